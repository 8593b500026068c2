"""docs/configuration.md documents exactly the keys pgserver/config.py accepts, and every connection property.

Each section of the page (`## [server]`, `## [[users]]`, `## [databases.<name>]`,
`## [databases.<name>.properties]`) has a table whose first column is the key in backticks. A key added to the
code without a line in the docs — or documented but not accepted — fails here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pgserver.config import DATABASE_KEYS, SERVER_KEYS, USER_KEYS, ConfigError, parse_config
from pgserver.config_template import render
from pgserver.properties import PROPERTY_DEFS
from pgserver.protocol.scram import make_verifier

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def documented() -> dict[str, list[str]]:
    """Section heading → the backticked keys in the first column of its table rows."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            current = line[3:].strip().strip("`")
            sections[current] = []
        elif current is not None and (match := re.match(r"\|\s*`([^`]+)`\s*\|", line)):
            sections[current].append(match.group(1))
    return sections


def test_the_page_documents_exactly_the_accepted_keys() -> None:
    sections = documented()
    assert sections["[server]"] == list(SERVER_KEYS)
    assert sections["[[users]]"] == list(USER_KEYS)
    assert sections["[databases.<name>]"] == list(DATABASE_KEYS)
    assert sorted(sections["[databases.<name>.properties]"]) == sorted(d.name for d in PROPERTY_DEFS)


@pytest.mark.parametrize("section", ["server", "users", "database"])
def test_every_documented_key_is_accepted_and_an_undocumented_one_is_not(section: str) -> None:
    sections = documented()
    keys = {"server": sections["[server]"], "users": sections["[[users]]"],
            "database": sections["[databases.<name>]"]}[section]
    for key in [*keys, "not_a_documented_key"]:
        document: dict = {"users": [{"name": "a", "password": "p"}], "databases": {"d": {}}}
        table = {"server": lambda d: d.setdefault("server", {}), "users": lambda d: d["users"][0],
                 "database": lambda d: d["databases"]["d"]}[section](document)
        table[key] = object()  # a value of no valid type: a known key fails on its value, an unknown one by name
        with pytest.raises(ConfigError) as error:
            parse_config(document)
        unknown = "unknown key" in str(error.value)
        assert unknown == (key == "not_a_documented_key"), (key, str(error.value))


def test_the_init_template_names_every_key_and_parses() -> None:
    text = render(user="u", verifier=str(make_verifier("pw", iterations=4096)))
    for key in (*SERVER_KEYS, *USER_KEYS, *DATABASE_KEYS):
        if key not in ("password", "properties", "scram"):
            assert re.search(rf"^#? ?{key} = ", text, re.M), key
    for defn in PROPERTY_DEFS:
        if defn.name != "Schema":  # follows `edition`
            assert f"# {defn.name} = " in text
    uncommented = re.sub(r"^# ((?:[A-Z]\w+) = .*)$", r"\1", text, flags=re.M)  # every property at its default
    assert parse_config(tomllib.loads(uncommented)).databases["sage200"].properties["MaxRows"] == -1
