"""Tactic actions: rendering proof steps as Lean tactics and parsing them back."""
