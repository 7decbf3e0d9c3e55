"""Training exports: the formats, the dataset card, the LeanDojo layout and wrong steps."""
