"""The generate run: preparing items in workers, admission, checkpoints, Ray and re-checking."""
