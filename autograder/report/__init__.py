"""Reporting grades: Gradescope results.json (validated against a schema) and terminal tables."""
