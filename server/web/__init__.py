"""Litestar controllers, guards, error pages and the page-or-fragment helper."""
