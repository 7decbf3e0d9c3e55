"""Expression trees: the interned tree, the operator signature, parsing, printers and sampling."""
