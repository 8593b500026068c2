"""Every module the shipped packages import is the standard library, the project, or a declared dependency.

A dependency that only arrives through the test extras (pandas pulls numpy, the drivers pull sniffio) keeps
the suite green while `pip install . && pgserver serve` crashes on a fresh machine (issue 7). This walks
every import statement of `pgserver/`, `providers/` and `sage_sandbox/` — top level and inside functions —
and maps each imported top-level module to the distribution that provides it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("pgserver", "providers", "sage_sandbox")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = set()
    for requirement in project["dependencies"]:
        names.add(_normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]))
    return names


def imported_modules() -> dict[str, list[str]]:
    """Top-level module name -> the files (path:line) that import it, for absolute imports."""
    found: dict[str, list[str]] = {}
    for package in SHIPPED:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(name.split(".")[0], []).append(where)
    return found


def test_every_import_is_stdlib_project_or_declared():
    declared = declared_distributions()
    providers_of = importlib.metadata.packages_distributions()
    undeclared = []
    for module, places in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module in SHIPPED or module == "__future__":
            continue
        distributions = {_normalise(d) for d in providers_of.get(module, [])}
        if not distributions:
            undeclared.append(f"{module} (not installed at all) imported at {', '.join(places[:3])}")
        elif not distributions & declared:
            undeclared.append(f"{module} (from {', '.join(sorted(distributions))}, not in [project] "
                              f"dependencies) imported at {', '.join(places[:3])}")
    assert not undeclared, "undeclared run-time imports:\n  " + "\n  ".join(undeclared)


def test_the_walk_sees_known_imports():
    """The check cannot pass vacuously: it finds imports we know are there."""
    modules = imported_modules()
    assert {"duckdb", "sqlglot", "pyarrow", "anyio", "httpx"} <= set(modules)
    assert "pgserver" in modules and "os" in modules
