from __future__ import annotations

from tests.integration.conftest import Stack


def test_psql_reads_a_view(stack: Stack) -> None:
    out = stack.psql("select Id, Reference from Customers order by Id limit 2").stdout
    assert out.splitlines() == ["27825|A1D001", "27826|LAK001"]


def test_default_database_uses_the_standard_edition_like_cdata() -> None:
    from pgserver.config import default_config, parse_config
    from pgserver.protocol.scram import make_verifier

    assert default_config().databases["sage200"].edition == "StandardUK"
    users = [{"name": "u", "scram": str(make_verifier("p"))}]
    assert parse_config({"users": users, "databases": {"x": {}}}).databases["x"].edition == "StandardUK"


def test_other_edition_reachable_by_schema_name(stack: Stack) -> None:
    out = stack.psql("SELECT AnalysisCode20 FROM ProfessionalUK.Customers WHERE Id = 27825",
                     "SELECT count(*) FROM standarduk.customers WHERE id = 27825").stdout.splitlines()
    assert out[1] == "1"
    failed = stack.psql("SELECT AnalysisCode20 FROM Customers", check=False)
    assert failed.returncode != 0 and "42703" in failed.stderr or "does not exist" in failed.stderr
