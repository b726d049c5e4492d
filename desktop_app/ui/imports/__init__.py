"""Importing files: the import dialog, its summaries, the column mapping dialog."""
