"""The proof environment, the baseline prover and its evaluation."""
