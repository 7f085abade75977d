"""The package's layers follow the data's path, and a lower layer never imports a higher one:
_common < _models < _law < _measures < _engines < _determination < the API modules."""

import ast
from pathlib import Path

import ira30d

PACKAGE = Path(ira30d.__file__).resolve().parent
ORDER = ["_common", "_models", "_law", "_measures", "_engines", "_determination"]


def layer(module: str) -> int:
    """The rank of a module ``ira30d.X...`` (the API modules at the top)."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return ORDER.index(top) if top in ORDER else len(ORDER)


def imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ira30d"):
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("ira30d")}
    return out


def test_no_layer_imports_a_higher_one():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        module = "ira30d." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        offences += [f"{module} imports {t}" for t in imports(path) if layer(t) > layer(module)]
    assert not offences, offences


def test_every_layer_exists():
    assert all((PACKAGE / name / "__init__.py").is_file() for name in ORDER)
