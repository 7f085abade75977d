r"""Safe YAML for rule files: no tags, no aliases, no duplicate keys, decimals not floats.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
>>> _ = path.write_text("share: 0.40\non: placed_in_service\n")
>>> load_yaml(path, "p.yaml")
{'share': Decimal('0.40'), 'on': 'placed_in_service'}
>>> _ = path.write_text("a: !include other.yaml\n")
>>> load_yaml(path, "p.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ira30d.RuleFileError: p.yaml: at line 1, column 4: invalid YAML: could not determine
a constructor for the tag ...
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ira30d._common.errors import RuleFileError

MAX_RULE_FILE_BYTES = 1_000_000


# libyaml's parser where PyYAML has it (about ten times faster: most of the first determination
# is reading the rule files); the constructor and resolver below are Python either way.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)

# YAML 1.1 reads on/off/yes/no as booleans ("on: placed_in_service" would be a True key): only
# true/false are booleans here.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _no_aliases(text: str) -> None:
    """Refuse aliases (``*name``): a rule says what it says where it says it."""
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "aliases are not allowed in rule files",
                event.start_mark,  # type: ignore[arg-type]
            )


def load_yaml(path: Path, label: str) -> Any:
    """Load one rule file safely; any problem is a :class:`RuleFileError` naming ``label``."""
    try:
        if path.stat().st_size > MAX_RULE_FILE_BYTES:
            raise RuleFileError(label, "", f"file larger than {MAX_RULE_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(label, "", f"cannot read: {exc.strerror}") from None
    try:
        _no_aliases(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(label, where, f"invalid YAML: {problem}") from None
