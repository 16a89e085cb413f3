"""The layout of ARCHITECTURE.md holds: the import contracts in pyproject.toml, and no private name
crosses a module (import-linter cannot see names, so an AST walk checks those)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "config", "storage", "workflows", "projections", "documents", "api", "workers")
# `lint-imports`, run by the interpreter of the tests
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(root: Path) -> str:
    """Runs the contracts over the packages under `root`; answers the report, raises when one broke."""
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(result.stdout + result.stderr)
    return result.stdout


def test_the_packages_keep_the_import_contracts_of_the_architecture() -> None:
    report = lint_imports(ROOT)

    assert "0 broken" in report


@pytest.mark.parametrize(
    ("module", "wrong_import", "reported"),
    [
        ("projections/exports.py", "import workers.bootstrap", "projections.exports -> workers.bootstrap"),
        ("api/views.py", "from workers import bootstrap", "api.views -> workers.bootstrap"),
        ("workflows/view.py", "import api.auth", "workflows.view -> api.auth"),
        ("projections/dashboard.py", "import workflows.view", "projections.dashboard -> workflows.view"),
        ("domain/errors.py", "import config.settings", "domain.errors -> config.settings"),
        ("domain/values.py", "import temporalio", "domain.values -> temporalio"),
        ("domain/values.py", "import sqlite3", "domain.values -> sqlite3"),
        ("api/auth.py", "import storage.keyrings", "api.auth -> storage.keyrings"),
        ("documents/source.py", "import workers.bootstrap", "documents.source -> workers.bootstrap"),
        ("projections/exports.py", "import documents.model", "projections.exports -> documents.model"),
        ("domain/values.py", "import weasyprint", "domain.values -> weasyprint"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, wrong_import: str, reported: str) -> None:
    # Given a copy of the packages with one import the architecture forbids
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / module, "a") as f:
        f.write(f"\n{wrong_import}  # deliberately wrong\n")

    # When the contracts are checked there, Then the check fails and names the import
    with pytest.raises(AssertionError) as broken:
        lint_imports(tmp_path)
    assert reported in str(broken.value)


def test_domain_imports_only_the_stdlib_eventsourcing_and_orjson() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__", "domain", "eventsourcing", "orjson"}
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path, tree in _parsed("domain")
        for name in _imported_top_levels(tree)
        if name not in allowed
    }

    assert found == set()


def test_no_private_name_crosses_a_module() -> None:
    found = {crossing for package in PACKAGES for crossing in private_crossings(package)}

    assert found == set()


def test_the_private_name_check_sees_a_private_function_used_from_another_module(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("def _hidden(): ...\nclass Thing:\n    def _inner(self): ...\n")
    (tmp_path / "pkg" / "b.py").write_text(
        "from pkg.a import _hidden\nfrom pkg import a\nimport pkg.a\n\n"
        "def use(thing):\n    a._hidden()\n    pkg.a._hidden()\n    thing._inner()\n"
    )

    assert private_crossings("pkg", tmp_path, ("pkg",)) == {
        "pkg/b.py: from pkg.a import _hidden",
        "pkg/b.py: a._hidden",
        "pkg/b.py: pkg.a._hidden",
        "pkg/b.py: thing._inner",
    }


def private_crossings(package: str, root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> set[str]:
    """Each `_name` a module of `package` takes from another module.

    Imported (`from m import _x`), reached through a module of the project (`m._x`), or used on an
    object whose class another module of the project defines (`obj._x` where only another module
    defines `_x`; `self._x`, and private names the project never defines, such as `os._exit`, pass)."""
    parsed = [(path, tree) for top in packages for path, tree in _parsed(top, root)]
    defined_in = {path: _defined(tree) for path, tree in parsed}
    project_privates = set().union(*defined_in.values())
    crossings = set()
    for path, tree in parsed:
        if path.relative_to(root).parts[0] != package:
            continue
        where = path.relative_to(root).as_posix()
        modules = _module_names(tree, root)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                crossings |= {f"{where}: from {node.module} import {a.name}" for a in node.names if _private(a.name)}
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                base = ast.unparse(node.value)
                through_module = base in modules
                from_elsewhere = node.attr in project_privates and node.attr not in defined_in[path]
                if through_module or (from_elsewhere and base not in ("self", "cls")):
                    crossings.add(f"{where}: {ast.unparse(node)}")
    return crossings


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")


def _parsed(package: str, root: Path = ROOT) -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted((root / package).rglob("*.py"))]


def _imported_top_levels(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _defined(tree: ast.Module) -> set[str]:
    """The private names a module binds itself: functions, classes, variables, attributes, arguments."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {n for n in names if _private(n)}


def _module_names(tree: ast.Module, root: Path) -> set[str]:
    """The names under which a module reaches other modules of the project (`m`, `pkg.m`, `alias`)."""
    def is_module(dotted: str) -> bool:
        path = root.joinpath(*dotted.split("."))
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()

    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if is_module(a.name):
                    parts = a.name.split(".")
                    names |= {a.asname} if a.asname else {".".join(parts[: i + 1]) for i in range(len(parts))}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {a.asname or a.name for a in node.names if is_module(f"{node.module}.{a.name}")}
    return names
