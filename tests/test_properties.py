"""Connection properties: defaults, validation, case-insensitivity, secrets, options parsing."""

from __future__ import annotations

import pytest

from pgserver.errors import INVALID_PARAMETER_VALUE, UNDEFINED_OBJECT, PgError
from pgserver.properties import (
    MASK,
    PROPERTY_DEFS,
    ConnectionProperties,
    PropertyDef,
    convert,
    definition,
    is_property,
    parse_options,
)

SPEC_PROPERTIES = {
    "SubscriptionKey", "OAuthClientId", "OAuthClientSecret", "Scope", "SSLServerCert", "Verbosity",
    "BrowsableSchemas", "Schema", "CompanyId", "MaxRows", "MaxThreads", "PseudoColumns", "Timeout",
}


def test_every_spec_property_is_defined_once() -> None:
    names = [d.name for d in PROPERTY_DEFS]
    assert len(names) == len(set(n.lower() for n in names))
    assert SPEC_PROPERTIES <= set(names)
    assert {"ProxyServer", "ProxyPort", "ProxyPassword", "InitiateOAuth", "OAuthSettingsLocation"} <= set(names)


def test_defaults() -> None:
    p = ConnectionProperties()
    assert p.get("MaxRows") == -1
    assert p.get("MaxThreads") == 20
    assert p.get("Timeout") == 60
    assert p.get("Schema") == "StandardUK"
    assert p.get("Verbosity") == "1"
    assert p.get("CompanyId") == ""
    assert p.get("ProxyAutoDetect") is False
    assert not p.is_set("MaxRows")


def test_names_are_case_insensitive_and_values_typed() -> None:
    p = ConnectionProperties()
    p.set("maxrows", "10")
    assert p.get("MAXROWS") == 10 and p.get("MaxRows") == 10
    p.set("SCHEMA", "professionaluk")
    assert p.get("schema") == "ProfessionalUK"
    p.set("proxyautodetect", "on")
    assert p.get("ProxyAutoDetect") is True
    p.set("Timeout", "0")  # 0 = no timeout
    assert p.get("Timeout") == 0
    assert p.is_set("maxRows")
    assert is_property("MAXTHREADS") and p.is_property("timeout")
    assert not is_property("search_path")
    assert definition("oauthclientid").name == "OAuthClientId"


@pytest.mark.parametrize(
    ("name", "value", "fragments"),
    [
        ("MaxRows", "ten", ['"MaxRows"', '"ten"', "an integer >= -1"]),
        ("MaxRows", "-2", ['"MaxRows"', "an integer >= -1"]),
        ("MaxThreads", "0", ['"MaxThreads"', "an integer from 1 to 1000"]),
        ("Timeout", "1.5", ['"Timeout"', "an integer >= 0"]),
        ("Schema", "GermanDE", ['"Schema"', '"GermanDE"', "StandardUK, ProfessionalUK"]),
        ("InitiateOAuth", "sometimes", ["OFF, GETANDREFRESH, REFRESH"]),
        ("ProxyAuthScheme", "NTLM", ["BASIC, NONE"]),
        ("ProxyPort", "70000", ["an integer from 1 to 65535"]),
        ("ProxyAutoDetect", "maybe", ["true, false"]),
        ("CompanyId", "ACME", ['"CompanyId"', "company id"]),
        ("BrowsableSchemas", "StandardUK,Nope", ['unknown schema "Nope"']),
        ("PseudoColumns", "Customers", ["TableName=ColumnName"]),
        ("Verbosity", "9", ["1, 2, 3, 4 or 5"]),
    ],
)
def test_invalid_values_raise_22023_naming_property_and_allowed_values(name: str, value: str,
                                                                        fragments: list[str]) -> None:
    p = ConnectionProperties()
    before = p.get(name)
    with pytest.raises(PgError) as info:
        p.set(name, value)
    assert info.value.sqlstate == INVALID_PARAMETER_VALUE
    for fragment in fragments:
        assert fragment in info.value.message
    assert p.get(name) == before  # a rejected value changes nothing


def test_unknown_property_is_42704() -> None:
    p = ConnectionProperties()
    for call in (lambda: p.set("NoSuchThing", "1"), lambda: p.get("NoSuchThing")):
        with pytest.raises(PgError) as info:
            call()
        assert info.value.sqlstate == UNDEFINED_OBJECT
        assert info.value.message == 'unrecognized configuration parameter "NoSuchThing"'


def test_canonical_values() -> None:
    p = ConnectionProperties()
    p.set("BrowsableSchemas", " professionaluk , StandardUK,PROFESSIONALUK")
    assert p.get("BrowsableSchemas") == "ProfessionalUK,StandardUK"
    p.set("PseudoColumns", "Customers = Id; *=*")
    assert p.get("PseudoColumns") == "Customers=Id;*=*"
    p.set("CompanyId", " 42 ")
    assert p.get("CompanyId") == "42"


def test_secrets_are_masked_everywhere_they_are_shown() -> None:
    p = ConnectionProperties({"OAuthClientSecret": "hunter2", "ProxyPassword": "pw-123"})
    assert p.get("OAuthClientSecret") == "hunter2"  # providers need the real value
    assert p.display("oauthclientsecret") == MASK
    shown = dict(p.items())
    assert shown["OAuthClientSecret"] == MASK and shown["ProxyPassword"] == MASK
    assert shown["SubscriptionKey"] == ""  # unset secrets show as empty, not as a mask
    assert "hunter2" not in repr(p) and "pw-123" not in repr(p)
    assert "hunter2" not in str(p.items())


def test_rejected_secret_value_is_not_echoed() -> None:
    secret_int = PropertyDef("PinCode", "int", 0, "A secret number.", "Authentication", secret=True, minimum=0)
    with pytest.raises(PgError) as info:
        convert(secret_int, "my-secret-pin")
    assert "my-secret-pin" not in info.value.message
    assert '"PinCode"' in info.value.message


def test_copy_is_independent() -> None:
    p = ConnectionProperties({"MaxRows": "5"})
    q = p.copy()
    q.set("MaxRows", "7")
    assert p.get("MaxRows") == 5 and q.get("MaxRows") == 7


def test_reset_returns_to_session_defaults() -> None:
    p = ConnectionProperties({"Timeout": 30})
    p.apply_options("-c MaxRows=10")
    p.set("MaxRows", "99")
    p.set("Timeout", "5")
    p.reset("maxrows")
    p.reset("Timeout")
    assert p.get("MaxRows") == 10  # the startup option, as PostgreSQL's RESET
    assert p.get("Timeout") == 30  # the config value


def test_from_mapping_accepts_typed_config_values() -> None:
    p = ConnectionProperties.from_mapping({"MaxRows": 25, "ProxyAutoDetect": True, "schema": "ProfessionalUK"})
    assert p.get("MaxRows") == 25 and p.get("ProxyAutoDetect") is True and p.get("Schema") == "ProfessionalUK"
    with pytest.raises(PgError) as info:
        ConnectionProperties.from_mapping({"Timeout": -1})
    assert info.value.sqlstate == INVALID_PARAMETER_VALUE


def test_parse_options_forms() -> None:
    assert parse_options("-c MaxRows=10 -c Timeout=5") == [("MaxRows", "10"), ("Timeout", "5")]
    assert parse_options("--MaxRows=10") == [("MaxRows", "10")]
    assert parse_options("-cMaxRows=3   --search-path=public") == [("MaxRows", "3"), ("search_path", "public")]
    assert parse_options(r"-c Scope=openid\ email") == [("Scope", "openid email")]
    assert parse_options("-c CompanyId=") == [("CompanyId", "")]
    assert parse_options("") == []


@pytest.mark.parametrize("options", ["MaxRows=10", "-c", "--MaxRows", "-c =5", "-x MaxRows=1"])
def test_parse_options_rejects_malformed(options: str) -> None:
    with pytest.raises(PgError) as info:
        parse_options(options)
    assert info.value.sqlstate == INVALID_PARAMETER_VALUE


def test_apply_options_sets_properties_and_returns_other_settings() -> None:
    p = ConnectionProperties()
    others = p.apply_options("-c maxrows=10 -c search_path=StandardUK --Timeout=5 -c application_name=x")
    assert p.get("MaxRows") == 10 and p.get("Timeout") == 5
    assert others == [("search_path", "StandardUK"), ("application_name", "x")]
    with pytest.raises(PgError) as info:
        ConnectionProperties().apply_options("-c MaxThreads=lots")
    assert info.value.sqlstate == INVALID_PARAMETER_VALUE and '"MaxThreads"' in info.value.message
