"""Apps talk one way: disclosure_pages sends signals and offers providers; it never imports the
archive or the review app (their models, services or selectors), not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "disclosure_pages"
FORBIDDEN = ("archive", "review")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def test_the_walk_sees_every_module_of_the_app():
    names = {path.relative_to(APP).as_posix() for path in modules()}
    assert {"models.py", "actions.py", "importer.py", "demo.py", "history.py", "forms.py", "signals.py"} <= names
    assert any(name.startswith("migrations/") for name in names)


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.relative_to(APP).as_posix())
def test_disclosure_pages_never_imports_archive_or_review(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"{path.relative_to(APP)}:{line} imports {name}"
        for line, name in imported_modules(tree)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not bad, "; ".join(bad)


def test_the_check_catches_an_import_inside_a_function():
    tree = ast.parse("def f():\n    from archive.services import archive_revocation\n    import review.models\n")
    assert [name for _, name in imported_modules(tree)] == ["archive.services", "review.models"]
