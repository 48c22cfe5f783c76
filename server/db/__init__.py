"""Persistence with Piccolo: tables, migrations and query functions that return domain objects."""
