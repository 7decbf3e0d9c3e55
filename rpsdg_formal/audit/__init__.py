"""The soundness audit of a rule file and its Lean theory."""
