"""The package's shape: imports point down (the contracts of pyproject.toml's
[tool.importlinter], run by import-linter), and what two layers must agree on agrees."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from inspector.model.checklist import COMPUTED_QUANTITIES
from inspector.records.workspace import Workspace
from inspector.scoring.quantities import KNOWN

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inspector"


def test_imports_point_down():
    # In a process of its own: grimp reads the package afresh, whatever this test session
    # imported or patched before (zope.interface, under Twisted, confuses it in-process).
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, "
         "no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]


def test_every_package_is_in_a_layer():
    """A new package must find its place in the contract, or nothing checks its imports."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c["layers"] for c in config["tool"]["importlinter"]["contracts"]
                  if c["type"] == "layers")
    placed = {name.strip().removeprefix("inspector.") for line in layers
              for name in line.replace(":", "|").split("|")}
    packages = {p.name for p in PACKAGE.iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    missing = sorted((packages | modules) - placed)
    assert not missing, f"not in [tool.importlinter]'s layers: {missing}"


def test_the_checklists_name_exactly_the_quantities_the_engine_computes():
    assert COMPUTED_QUANTITIES == KNOWN


def test_sandbox_is_imported_only_by_the_cli():
    """The sandbox is a test province: no part of the tool's own work depends on it."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("sandbox", "cli.py", "cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and "sandbox" in node.module:
                offenders.append(f"{relative}:{node.lineno}")
    assert not offenders


# The sandbox's page templates are long strings of HTML laid out as a page reads; code is not.
LONG_ALLOWED = {"sandbox/variants/pages.py"}
MAX_FUNCTION_LINES = 80


def test_no_function_is_longer_than_a_screen_and_a_half():
    long = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in LONG_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{relative}:{node.lineno} {node.name} ({lines} lines)")
    assert not long


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def _tables_touched(tree: ast.AST, tables: set[str]) -> set[str]:
    """Tables a module names as ``db["table"]`` or in the SQL of a string (not in prose), outside
    the schema migrations (records/workspace.py's _v1, _v2…)."""
    migrations = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                  and re.fullmatch(r"_v\d+", node.name)]
    skip = {id(n) for m in migrations for n in ast.walk(m)} | _docstrings(tree)
    words = "|".join(sorted(tables))
    sql = re.compile(rf"(?i)\b(?:from|join|into|update)\s+({words})\b")
    touched = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in tables and (
                    isinstance(node.value, ast.Attribute) and node.value.attr == "db"
                    or isinstance(node.value, ast.Name) and node.value.id == "db"):
            touched.add(node.slice.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            touched.update(m.lower() for m in sql.findall(node.value))
    return touched


# Modules with a database of their own, whose table names may equal inspector.db's.
OTHER_DATABASES = {"crawl/cache.py"}        # httpcache/httpcache.db (its "responses" table)


def test_each_table_has_one_module_that_reads_and_writes_it(tmp_path):
    """Every other module goes through the owner's typed functions (records/, or the one
    package module a table belongs to); the schema's migrations are not counted."""
    ws = Workspace(tmp_path)
    tables = set(ws.db.table_names())
    ws.close()
    owners: dict[str, set[str]] = {t: set() for t in tables}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in OTHER_DATABASES:
            continue
        for table in _tables_touched(ast.parse(path.read_text(encoding="utf-8")), tables):
            owners[table].add(relative)
    shared = {t: sorted(m) for t, m in owners.items() if len(m) > 1}
    assert not shared, f"tables touched by more than one module: {shared}"
    assert owners["findings"] == {"records/findings.py"}
    assert owners["observations"] == {"records/observations.py"}
