"""YAML read with line numbers, so every error about a rule file can name its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rpsdg_formal.errors import RuleSpecError
from rpsdg_formal.terms.signature import is_lean_ident

_LIBYAML: Any = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml's parser


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` as `yaml.compose` builds it (the same nodes, tags, values and
    line marks), by libyaml's parser where PyYAML has it: about ten times faster, and every
    command reads its rule file at start. A text libyaml refuses is parsed again by PyYAML's
    own parser, so that its error says what it always said."""
    if _LIBYAML is not None:
        try:
            return yaml.compose(text, Loader=_LIBYAML)
        except yaml.YAMLError:
            pass
    return yaml.compose(text)


def plain(node: yaml.Node) -> Any:
    """A YAML node as plain Python data (mappings, lists, strings, ints, bools)."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    tag = str(node.tag).rsplit(":", 1)[-1]
    if tag == "int":
        return int(node.value)
    if tag == "bool":
        return str(node.value).lower() in ("true", "yes", "on")
    if tag == "null":
        return None
    return str(node.value)


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def entries(node: yaml.Node) -> dict[str, tuple[yaml.Node, int]]:
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): (v, line_of(k)) for k, v in node.value}


class YamlFile:
    """Reports errors against one rule file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: int | None, what: str) -> RuleSpecError:
        return RuleSpecError(str(self.path), line, what)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, int]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(line_of(node), f"{what} must be a mapping (key: value lines)")
        return entries(node)

    def string(self, node: yaml.Node, what: str) -> str:
        value = plain(node)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise self.error(line_of(node), f"{what} must be a string, got {value!r}")
        return str(value)

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        value = plain(node)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(line_of(node), f"{what} must be a list of strings, got {value!r}")
        return tuple(value)

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.string(node, what)
        if not is_lean_ident(value):
            raise self.error(
                line_of(node),
                f"{what} {value!r} is not a valid Lean identifier "
                "(ASCII letters, digits, '_', dot-separated parts, not a keyword)",
            )
        return value
