"""The layering rules of docs/architecture.md hold: import-linter checks the contracts of pyproject.toml.

The contracts spell "only the standard library" as a list of forbidden project modules and dependencies;
these tests also check that the lists name every pgserver module and every declared dependency (so a new
dependency cannot slip past), and that the checker really sees imports (a contract known to be false fails).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

configuration.configure()  # what the lint-imports command does first

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def _lint(config: Path) -> bool:
    # debug mode: a configuration error raises instead of counting as a broken contract
    return lint_imports(config_filename=str(config), cache_dir=None, no_logo=True, is_debug_mode=True)


def test_the_layering_contracts_are_kept() -> None:
    assert _lint(PYPROJECT), "a layering contract of pyproject.toml is broken (see the report above)"


def test_a_false_contract_is_reported_broken(tmp_path: Path) -> None:
    """The checker sees real imports: 'the SQL layer does not use the type registry' is false."""
    config = tmp_path / "false.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["pgserver"]\n\n[[tool.importlinter.contracts]]\n'
                      'name = "sql without types"\ntype = "forbidden"\nsource_modules = ["pgserver.sql"]\n'
                      'forbidden_modules = ["pgserver.types"]\n')
    assert not _lint(config)


def _declared_modules() -> set[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    names = set()
    for requirement in project["dependencies"]:
        name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("-", "_")
        names.add(name)
    return names


def _pgserver_modules() -> set[str]:
    package = ROOT / "pgserver"
    found = {f"pgserver.{p.stem}" for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    found |= {f"pgserver.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    return found


@pytest.mark.parametrize("contract_id, allowed", [
    ("protocol-stdlib", {"pgserver.errors", "pgserver.protocol"}),
    ("types-stdlib-arrow", {"pgserver.errors", "pgserver.types", "pyarrow", "numpy"}),
])
def test_stdlib_only_contracts_forbid_everything_else(contract_id: str, allowed: set[str]) -> None:
    forbidden = set(_contracts()[contract_id]["forbidden_modules"])
    expected = (_pgserver_modules() | _declared_modules() | {"providers"}) - allowed
    assert expected <= forbidden, f"{contract_id} should also forbid {sorted(expected - forbidden)}"


def test_every_codec_module_is_held_to_the_standard_library() -> None:
    listed = set(_contracts()["types-core-stdlib"]["source_modules"])
    modules = {f"pgserver.types.{p.stem}" for p in (ROOT / "pgserver" / "types").glob("*.py") if p.stem != "__init__"}
    arrow_users = {"pgserver.types.arrow", "pgserver.types.columns"}
    assert modules - arrow_users | {"pgserver.types"} == listed
