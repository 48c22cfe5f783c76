"""Kỹ Năng Số: a digital-skills self-check for Vietnamese citizens."""
