"""Zynk customer XML imports (Sage 200 and Sage 200 Online formats) against the sandbox over real HTTP:
every identity path, field rules naming the XML element, bad and wrong documents, re-import idempotence,
the `pgserver import` command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sage_writes import Ctx, Sandbox, sandbox

from pgserver.errors import PgError
from providers.sage200.zynk_import import ImportReport, import_customers, parse_document

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    with sandbox(tmp_path) as s:
        yield s


def run(box: Sandbox, xml: str, **props: object) -> ImportReport:
    writer = box.customers().writer
    return anyio.run(lambda: import_customers(writer, xml, Ctx(**props)))


def company(*customers: str) -> str:
    body = "".join(f"<Customer>{c}</Customer>" for c in customers)
    return ('<?xml version="1.0"?><Company xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<Customers>{body}</Customers></Company>")


def online(*customers: str) -> str:
    body = "".join(f"<Customer>{c}</Customer>" for c in customers)
    return f'<?xml version="1.0" encoding="utf-8"?><Customers>{body}</Customers>'


def outcomes(report: ImportReport) -> list[tuple[str, str | None]]:
    return [(line.outcome, line.matched_by) for line in report.lines]


def seed_example(name: str, marker: str) -> str:
    """The first XML sample of a seed document after `marker` (up to its root's closing tag on a line alone)."""
    text = (SEEDS / name).read_text()
    start = text.index("<?xml", text.index(marker))
    root = re.search(r"<(\w+)", text[start + 5:]).group(1)  # type: ignore[union-attr]
    end = re.compile(rf"^\s*</{root}>\s*$", re.M).search(text, start)
    assert end is not None
    return text[start:end.end()]


# -- Sage 200 format --------------------------------------------------------------------------------------------


def test_the_sage200_seed_sample_imports_and_reimports_without_duplicates(box: Sandbox) -> None:
    xml = seed_example("zynk-sage200-customer-xml.txt", "Sample import file for creating a customer")
    first = run(box, xml)
    assert first.format == "Sage 200" and outcomes(first) == [("created", None)]
    line = first.lines[0]
    assert (line.reference, line.external_id) == ("JOE001", "123")
    assert "not imported: <Contacts>" in line.message and "not imported: <DeliveryAddresses>" in line.message
    made = box.with_reference("JOE001")
    assert len(made) == 1 and made[0]["name"] == "Zynk Software Limited" and made[0]["credit_limit"] == 1000
    assert made[0]["default_nominal_code_reference"] == "4000"
    again = run(box, xml)
    assert outcomes(again) == [("updated", "ExternalId")] and again.lines[0].id == line.id
    assert len(box.with_reference("JOE001")) == 1


def test_sage200_identity_paths(box: Sandbox) -> None:
    report = run(box, company(
        "<Id>s2-1</Id><AccountReference>A1D001</AccountReference><CompanyName>A1 via XML</CompanyName>",
        "<Id>s2-2</Id><AccountReference>S2NEW1</AccountReference><CompanyName>Given Ref Ltd</CompanyName>",
        "<Id>s2-3</Id><CompanyName>Generated Ref Ltd</CompanyName>",
    ), AutoGenerateReferences=True)
    assert outcomes(report) == [("updated", "Reference"), ("created", None), ("created", None)]
    assert report.lines[0].id == 27825 and report.lines[1].reference == "S2NEW1"
    assert re.fullmatch(r"GEN\d{3}", str(report.lines[2].reference))
    # the external ids now find the same customers, whatever the file says about references
    again = run(box, company("<Id>s2-1</Id><CompanyName>A1 by external id</CompanyName>",
                             "<Id>s2-3</Id><CompanyName>Generated Ref Ltd</CompanyName>"))
    assert outcomes(again) == [("updated", "ExternalId"), ("updated", "ExternalId")]
    assert [line.id for line in again.lines] == [27825, report.lines[2].id]
    assert box.with_reference("A1D001")[0]["name"] == "A1 by external id"


def test_sage200_no_reference_and_no_generation_fails_that_record_only(box: Sandbox) -> None:
    report = run(box, company("<Id>s2-9</Id><CompanyName>No Ref Ltd</CompanyName>",
                              "<AccountReference>OKREF1</AccountReference><CompanyName>Fine Ltd</CompanyName>"))
    assert [line.outcome for line in report.lines] == ["failed", "created"]
    assert (report.lines[0].sqlstate, report.lines[0].message.split(" (")[0]) == \
        ("23502", 'null value in column "AccountReference" of relation "Customers" violates not-null constraint')
    assert report.summary() == "2 Sage 200 customer record(s): 1 created, 0 updated, 1 failed"


def test_sage200_name_defaults_to_the_contact_name(box: Sandbox) -> None:
    report = run(box, company("<AccountReference>HRR901</AccountReference><CustomerInvoiceAddress><Title>Mr"
                              "</Title><Forename>Joe</Forename><Surname>Harrison</Surname></CustomerInvoiceAddress>"))
    assert outcomes(report) == [("created", None)]
    assert box.with_reference("HRR901")[0]["name"] == "Mr Joe Harrison"


def test_sage200_lookups(box: Sandbox) -> None:
    report = run(box, company("<AccountReference>LOOK01</AccountReference><CompanyName>Lookups</CompanyName>"
                              "<Currency>GBP</Currency><TaxCode>1</TaxCode>",
                              "<AccountReference>LOOK02</AccountReference><CompanyName>Bad currency</CompanyName>"
                              "<Currency>XYZ</Currency>"))
    assert [line.outcome for line in report.lines] == ["created", "failed"]
    assert report.lines[1].sqlstate == "23503"
    assert report.lines[1].message == ('insert or update on table "Customers" violates foreign key constraint '
                                       '"Customers_CurrencyId_fkey" (Key (<Currency>)=(XYZ) is not present in '
                                       'table "Currencies".)')
    made = box.with_reference("LOOK01")[0]
    taxes = box.api("GET", "/tax_codes", params={"$filter": "code eq 1"}).json()
    assert made["default_tax_code_id"] == taxes[0]["id"]


# -- Sage 200 Online format ---------------------------------------------------------------------------------------


def test_online_identity_paths(box: Sandbox) -> None:
    report = run(box, online(
        "<id>27825</id><name>A1 by id</name>",
        "<external_id>on-1</external_id><reference>ONL001</reference><name>Online One</name>",
        "<reference>ABB001</reference><name>Abbey by reference</name>",
        "<external_id>on-2</external_id><name>Online Generated</name>",
    ), AutoGenerateReferences=True)
    assert outcomes(report) == [("updated", "Id"), ("created", None), ("updated", "Reference"), ("created", None)]
    assert re.fullmatch(r"ONL\d{3}", str(report.lines[3].reference)) and report.lines[3].reference != "ONL001"
    again = run(box, online("<external_id>on-1</external_id><name>Online One again</name>"))
    assert outcomes(again) == [("updated", "ExternalId")] and again.lines[0].id == report.lines[1].id
    none = run(box, online("<external_id>on-3</external_id><name>Online None</name>"))
    assert none.lines[0].sqlstate == "23502" and 'column "reference"' in none.lines[0].message
    unknown_id = run(box, online("<id>999</id><name>ghost</name>"))
    assert unknown_id.lines[0].sqlstate == "428C9"


def test_the_online_full_example_imports(box: Sandbox) -> None:
    xml = seed_example("zynk-sage200-online-customer-xml.txt", "### Full Example")
    # the example's ids belong to Zynk's company: use the sandbox's (those of customer A1D001)
    a1 = box.with_reference("A1D001")[0]
    xml = xml.replace("<id>27006</id>", "").replace("<currency_id>1</currency_id>",
                                                     f"<currency_id>{a1['currency_id']}</currency_id>")
    xml = xml.replace("<country_code_id>13</country_code_id>", f"<country_code_id>{a1['country_code_id']}</country_code_id>")
    xml = xml.replace("<default_tax_code_id>2</default_tax_code_id>",
                      f"<default_tax_code_id>{a1['default_tax_code_id']}</default_tax_code_id>")
    report = run(box, xml)
    assert outcomes(report) == [("created", None)], report.lines
    line = report.lines[0]
    assert (line.reference, line.external_id) == ("ZYNK001", "12345")
    assert "ignored download-only <balance>" in line.message and "not imported: <contacts>" in line.message
    made = box.with_reference("ZYNK001")[0]
    assert (made["name"], made["website"], made["analysis_code_3"]) == ("Zynk Software Ltd.", "http://zynk.com",
                                                                        "01/01/2005")
    assert outcomes(run(box, xml)) == [("updated", "ExternalId")]


FIELD_RULES = [
    ("<reference>R1</reference>", "23502",
     'null value in column "name" of relation "Customers" violates not-null constraint'),
    ("<reference>TOOLONGREF</reference><name>x</name>", "22001", "value too long for type character varying(8)"),
    ("<reference>R1</reference><name>x</name><account_status_type>Open</account_status_type>", "22P02",
     'invalid input value for enum account_status_type: "Open"'),
    ("<reference>R1</reference><name>x</name><exchange_rate_type>Daily</exchange_rate_type>", "22P02",
     'invalid input value for enum exchange_rate_type: "Daily"'),
    ("<reference>R1</reference><name>x</name><on_hold>maybe</on_hold>", "22P02",
     'invalid input syntax for type boolean: "maybe"'),
    ("<reference>R1</reference><name>x</name><credit_limit>lots</credit_limit>", "22P02",
     'invalid input syntax for type numeric: "lots"'),
    ("<reference>R1</reference><name>x</name><nickname>y</nickname>", "42703",
     "unknown field <nickname> in a customer record"),
]


@pytest.mark.parametrize(("fields", "sqlstate", "message"), FIELD_RULES)
def test_online_field_rules(box: Sandbox, fields: str, sqlstate: str, message: str) -> None:
    report = run(box, online(fields, "<reference>FINE01</reference><name>Fine</name>"))
    first, second = report.lines
    assert (first.outcome, first.sqlstate, first.message.split(" (")[0]) == ("failed", sqlstate, message)
    assert second.outcome == "created"  # one bad record does not stop the others


def test_field_errors_name_the_xml_element(box: Sandbox) -> None:
    report = run(box, company("<AccountReference>TOOLONGREF</AccountReference><CompanyName>x</CompanyName>"))
    assert report.lines[0].message == ('value too long for type character varying(8) (The value for '
                                       '"AccountReference" has 10 characters.)')


# -- documents that are not imports ----------------------------------------------------------------------------------

BAD_DOCUMENTS = [
    ("<Company><Customers><Customer></Customers></Company>", "invalid XML document", "mismatched tag"),
    ("", "invalid XML document", "no element found"),
    ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
     "<Customers><Customer><name>&lol2;</name></Customer></Customers>", "invalid XML document", "DTD"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Customers><Customer>'
     "<name>&xxe;</name></Customer></Customers>", "invalid XML document", "DTD"),
    ("<Suppliers><Supplier><name>x</name></Supplier></Suppliers>",
     "not a Zynk customer document: the root element is <Suppliers>", "Expected <Company>"),
    ("<Company><Suppliers/></Company>", "not a Zynk customer document: <Company> has no <Customers>", "Sage 200"),
    ("<Customers><Customer><name>ok</name></Customer><Supplier/></Customers>",
     "not a Zynk customer document: <Supplier> inside <Customers>", "<Customer> elements only"),
]


@pytest.mark.parametrize(("xml", "message", "detail"), BAD_DOCUMENTS)
def test_bad_and_wrong_documents_change_nothing(box: Sandbox, xml: str, message: str, detail: str) -> None:
    with pytest.raises(PgError) as caught:
        run(box, xml)
    assert (caught.value.sqlstate, caught.value.message) == ("2200M", message)
    assert detail in str(caught.value.detail)
    assert box.writes() == [] and [r for r in box.state.requests if "/customers" in r.path] == []


def test_parse_document_formats() -> None:
    assert parse_document(company("<CompanyName>x</CompanyName>")).format == "Sage 200"
    assert parse_document(online("<name>x</name>")).format == "Sage 200 Online"
    assert parse_document("<Customers><customer><name>x</name></customer></Customers>").records[0].record.payload == \
        {"name": "x"}
    assert parse_document("<Customers/>").records == []


# -- the command -------------------------------------------------------------------------------------------------------


def test_pgserver_import_command(box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pgserver.cli import main

    config = tmp_path / "pgserver.toml"
    config.write_text(f'[databases.sage200]\napi_base_url = "{box.url}"\nclient_id = "sandbox-client"\n'
                      f'client_secret = "sandbox-secret"\ntoken_store = "{tmp_path / "cli-tokens.json"}"\n'
                      "[[users]]\nname = \"demo\"\npassword = \"demo\"\n")
    file = tmp_path / "customers.xml"
    file.write_text(company("<Id>cli-1</Id><AccountReference>CLI001</AccountReference><CompanyName>Cli One"
                            "</CompanyName>", "<Id>cli-2</Id><CompanyName>Cli Two</CompanyName>"))
    assert main(["import", str(file), "--config", str(config)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("record 1: created (Id ") and "reference CLI001 external id cli-1" in out[0]
    assert out[1].startswith("record 2: failed (external id cli-2): ERROR 23502: null value in column")
    assert out[-1] == "2 Sage 200 customer record(s): 1 created, 0 updated, 1 failed"
    assert main(["import", str(file), "--config", str(config), "--auto-generate-references"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("matched by ExternalId") and out[1].startswith("record 2: created")
    assert out[-1] == "2 Sage 200 customer record(s): 1 created, 1 updated, 0 failed"
    assert (tmp_path / "cli-tokens.external-ids.sqlite").is_file()  # the truth table sits by the token store
    assert main(["import", str(file), "--config", str(config), "--auto-generate-references"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 Sage 200 customer record(s): 0 created, 2 updated, 0 failed"
    assert len(box.named("Cli Two")) == 1
    bad = tmp_path / "bad.xml"
    bad.write_text("<Customers><Customer>")
    assert main(["import", str(bad), "--config", str(config)]) == 2
    assert "ERROR 2200M: invalid XML document" in capsys.readouterr().err
    assert main(["import", str(file), "--config", str(config), "--database", "nope"]) == 2
    assert "no database 'nope'" in capsys.readouterr().err
