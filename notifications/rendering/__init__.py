"""Emails rendered from Jinja2 templates in Danish and English."""
