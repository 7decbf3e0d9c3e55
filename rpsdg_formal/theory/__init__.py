"""A theory as data: rule files with line numbers, the theory section, rules and numerals."""
