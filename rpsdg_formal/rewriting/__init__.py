"""Rewrite steps, random walks, the per-theorem proof graph and theorem selection."""
