"""Rule files are composed by libyaml's parser where PyYAML has it: the same tree as PyYAML's
own parser (node kinds, tags, values, line and column marks) for every shipped rule file, and
the same error, word for word, for a malformed one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rpsdg_formal.theory import yamlfile
from rpsdg_formal.theory.catalogue import rules_dir
from rpsdg_formal.theory.yamlfile import compose

MALFORMED = (
    '  - {name: comm, rule: "a + b = b + a"\n  - {name: x}\n',
    "theory:\n  name: x\n rules: [\n",
    "rules:\n\t- a\n",
    "a: 'unclosed\n",
    "a: b: c\n",
    "- [a, b\n- c\n",
    "a: \x07\n",
)


def _shape(node: yaml.Node | None) -> object:
    """Everything the rule reader can see of a node tree."""
    if node is None:
        return None
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line)
    if isinstance(node, yaml.ScalarNode):
        style = node.style or None  # plain: '' from libyaml, None from PyYAML (never read)
        return ("scalar", node.tag, node.value, style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, [_shape(n) for n in node.value], marks)
    assert isinstance(node, yaml.MappingNode)
    return ("mapping", node.tag, [(_shape(k), _shape(v)) for k, v in node.value], marks)


def _error(text: str) -> tuple[str | None, int | None]:
    with pytest.raises(yaml.YAMLError) as info:
        compose(text)
    mark = getattr(info.value, "problem_mark", None)
    return getattr(info.value, "problem", None), mark.line if mark is not None else None


def _pure_error(text: str) -> tuple[str | None, int | None]:
    with pytest.raises(yaml.YAMLError) as info:
        yaml.compose(text)
    mark = getattr(info.value, "problem_mark", None)
    return getattr(info.value, "problem", None), mark.line if mark is not None else None


@pytest.mark.parametrize("path", sorted(rules_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_rule_file_composes_to_the_same_tree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlfile._LIBYAML is not None, "PyYAML without libyaml: nothing to compare"
    assert _shape(compose(text)) == _shape(yaml.compose(text)) != None  # noqa: E711


@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_text_gives_the_error_it_always_gave(text: str) -> None:
    assert _error(text) == _pure_error(text)


def test_without_libyaml_the_pure_parser_composes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (rules_dir() / "field.yaml").read_text(encoding="utf-8")
    fast = _shape(compose(text))
    monkeypatch.setattr(yamlfile, "_LIBYAML", None)
    assert _shape(compose(text)) == fast
    assert compose("") is None
