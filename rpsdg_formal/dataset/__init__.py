"""Finished datasets: JSONL files, curriculum levels and statistics."""
