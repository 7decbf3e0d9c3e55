"""Theorem families: rewrite records, integration problems, equations and systems."""
