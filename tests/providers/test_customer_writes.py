"""Customer writes through the provider write contract, against the sandbox over real HTTP.

Every identity path of Zynk's documents (id, external id, reference, given reference, generated reference,
none), every field rule with its SQLSTATE and message, half-way failures, idempotence across a lost answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sage_writes import Ctx, Sandbox, sandbox

from pgserver.provider import (
    DeleteRequest,
    InsertRequest,
    OnConflict,
    RowChange,
    RowResult,
    UpdateRequest,
    WriteOutcome,
    WriteResult,
    writer_of,
)
from providers.sage200.truth_table import Entry, Scope, TruthTable

UPSERT = ("Id", "ExternalId", "Reference")
A1 = 27825  # A1 Design Services, reference A1D001 (has orders)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    with sandbox(tmp_path) as s:
        yield s


def insert(box: Sandbox, rows: list[dict], schema: str = "StandardUK", ctx: Ctx | None = None,
           **kw: object) -> WriteResult:
    provider = box.customers(schema)
    return anyio.run(provider.insert, InsertRequest(rows, **kw), ctx or Ctx())  # type: ignore[arg-type]


def update(box: Sandbox, changes: list[RowChange], **kw: object) -> WriteResult:
    return anyio.run(box.customers().update, UpdateRequest(changes, **kw), Ctx())  # type: ignore[arg-type]


def only(result: WriteResult) -> RowResult:
    assert len(result.rows) == 1
    return result.rows[0]


def error_of(result: WriteResult) -> tuple[str, str, str | None]:
    row = only(result)
    assert row.outcome is WriteOutcome.FAILED and row.error is not None, row
    return row.error.sqlstate, row.error.message, row.error.detail


# -- the declared contract -----------------------------------------------------------------------------------


def test_customers_declare_what_is_writable(box: Sandbox) -> None:
    for schema in ("StandardUK", "ProfessionalUK"):
        provider = box.customers(schema)
        writes = provider.spec.writes
        assert writes is not None and writer_of(provider) is provider
        assert writes.key == ("Id",) and writes.identity_order == UPSERT
        col = writes.column
        assert not col("Id").insertable and not col("Id").updatable and col("Id").identity  # type: ignore[union-attr]
        assert col("Name").insertable and col("Name").updatable and col("Name").required  # type: ignore[union-attr]
        assert col("CurrencyId").insertable and not col("CurrencyId").updatable  # type: ignore[union-attr]
        for download_only in ("Balance", "DateTimeUpdated", "AverageTimeToPay", "Contacts", "CountryCode"):
            assert not col(download_only).insertable and not col(download_only).updatable  # type: ignore[union-attr]
        # ExternalId is a column of the view (read from the truth table), so nothing is write-only
        external = provider.spec.column("ExternalId")
        assert external is not None and external.pg_type == "varchar(255)" and not external.filterable
        assert col("ExternalId").insertable and col("ExternalId").updatable and col("ExternalId").identity  # type: ignore[union-attr]
        assert writes.write_only == ()
        assert {c.name for c in writes.columns if c.pg_type is None} == {c.name for c in provider.spec.columns}
    others = [p for p in anyio.run(_all_providers, box) if p.spec.name != "Customers"]
    assert others and all(p.spec.writes is None and writer_of(p) is None for p in others)


async def _all_providers(box: Sandbox) -> list:
    from providers.sage200.provider import sage_providers

    return sage_providers(box.source())[0]


# -- identity paths ----------------------------------------------------------------------------------------------


def test_update_by_id(box: Sandbox) -> None:
    row = only(insert(box, [{"Id": A1, "Name": "A1 Design (renamed)"}], match_on=UPSERT,
                         on_conflict=OnConflict.UPDATE, returning=("Id", "Name", "Reference")))
    assert (row.outcome, row.matched_by, row.key) == (WriteOutcome.UPDATED, "Id", {"Id": A1})
    assert row.row == {"Id": A1, "Name": "A1 Design (renamed)", "Reference": "A1D001"}
    assert box.with_reference("A1D001")[0]["name"] == "A1 Design (renamed)"


def test_update_by_unknown_id_is_refused(box: Sandbox) -> None:
    sqlstate, message, detail = error_of(insert(box, [{"Id": 999, "Name": "x"}], match_on=UPSERT,
                                                on_conflict=OnConflict.UPDATE))
    assert (sqlstate, message) == ("428C9", 'cannot insert a non-DEFAULT value into column "Id"')
    assert "No customer has Id 999" in str(detail)
    assert box.writes() == []


def test_update_by_external_id_through_the_truth_table(box: Sandbox) -> None:
    first = only(insert(box, [{"ExternalId": "crm-1", "Reference": "EXT001", "Name": "External One"}],
                        match_on=("ExternalId",)))
    assert first.outcome is WriteOutcome.CREATED
    second = only(insert(box, [{"ExternalId": "crm-1", "Name": "External One (moved)"}], match_on=UPSERT,
                         on_conflict=OnConflict.UPDATE, returning=("Id", "Name", "ExternalId")))
    assert (second.outcome, second.matched_by, second.key) == (WriteOutcome.UPDATED, "ExternalId", first.key)
    assert second.row == {"Id": first.key["Id"], "Name": "External One (moved)", "ExternalId": "crm-1"}  # type: ignore[index]
    assert [c["name"] for c in box.with_reference("EXT001")] == ["External One (moved)"]


def test_update_by_reference_and_create_with_a_given_reference(box: Sandbox) -> None:
    result = insert(box, [{"Reference": "A1D001", "Name": "A1 by reference"},
                          {"Reference": "NEW001", "Name": "Brand New Ltd"}],
                    match_on=UPSERT, on_conflict=OnConflict.UPDATE, returning=("Id", "Reference"))
    updated, created = result.rows
    assert (updated.outcome, updated.matched_by, updated.key) == (WriteOutcome.UPDATED, "Reference", {"Id": A1})
    assert created.outcome is WriteOutcome.CREATED and created.row["Reference"] == "NEW001"  # type: ignore[index]
    assert [c["name"] for c in box.with_reference("NEW001")] == ["Brand New Ltd"]


def test_create_with_a_generated_reference(box: Sandbox) -> None:
    rows = insert(box, [{"Name": "Zynk Software"}, {"Name": "Zynk Systems"}], ctx=Ctx(AutoGenerateReferences=True),
                  returning=("Id", "Reference")).rows
    references = [r.row["Reference"] for r in rows]  # type: ignore[index]
    assert all(r.outcome is WriteOutcome.CREATED for r in rows)
    assert all(re.fullmatch(r"ZYN\d{3}", ref) for ref in references) and len(set(references)) == 2
    assert rows[0].notes == (f"reference {references[0]} generated",)


def test_no_identity_and_no_generation_fails(box: Sandbox) -> None:
    sqlstate, message, _ = error_of(insert(box, [{"Name": "Nameless Reference Ltd"}], match_on=("ExternalId",)))
    assert (sqlstate, message) == \
        ("23502", 'null value in column "Reference" of relation "Customers" violates not-null constraint')
    assert box.writes() == []


def test_professional_edition_writes_too(box: Sandbox) -> None:
    row = only(insert(box, [{"Reference": "PRO001", "Name": "Pro Ltd", "AnalysisCode6": "six"}],
                      schema="ProfessionalUK", returning=("Reference", "AnalysisCode6")))
    assert row.outcome is WriteOutcome.CREATED and row.row == {"Reference": "PRO001", "AnalysisCode6": "six"}


# -- field rules ----------------------------------------------------------------------------------------------------

FIELD_RULES = [
    ({"Reference": "R1"}, "23502", 'null value in column "Name" of relation "Customers" violates not-null constraint'),
    ({"Reference": "R1", "Name": "   "}, "23502",
     'null value in column "Name" of relation "Customers" violates not-null constraint'),
    ({"Reference": "TOOLONGREF", "Name": "x"}, "22001", "value too long for type character varying(8)"),
    ({"Reference": "R1", "Name": "x" * 61}, "22001", "value too long for type character varying(60)"),
    ({"Reference": "R1", "Name": "x", "AccountStatusType": "Active"}, "22P02",
     'invalid input value for enum account_status_type: "Active"'),
    ({"Reference": "R1", "Name": "x", "ExchangeRateType": "Floating"}, "22P02",
     'invalid input value for enum exchange_rate_type: "Floating"'),
    ({"Reference": "R1", "Name": "x", "Balance": 5}, "428C9", 'cannot insert a non-DEFAULT value into column "Balance"'),
    ({"Reference": "R1", "Name": "x", "DateTimeUpdated": None}, "428C9",
     'cannot insert a non-DEFAULT value into column "DateTimeUpdated"'),
    ({"Reference": "A1D001", "Name": "x"}, "23505",
     'duplicate key value violates unique constraint "Customers_Reference_key"'),
    ({"Reference": "R1", "Name": "x", "CreditLimit": "lots"}, "42804",
     'column "CreditLimit" is of type numeric but expression is of type text'),
    ({"Reference": "R1", "Name": "x", "CreditLimit": 10**17}, "22003", "numeric field overflow"),
    ({"Reference": "R1", "Name": "x", "Nickname": "y"}, "42703", 'column "Nickname" of relation "Customers" does not exist'),
]


@pytest.mark.parametrize(("row", "sqlstate", "message"), FIELD_RULES)
def test_field_rules_on_insert(box: Sandbox, row: dict, sqlstate: str, message: str) -> None:
    got = error_of(insert(box, [row], match_on=("ExternalId",)))
    assert got[:2] == (sqlstate, message)
    assert box.writes() == []  # refused before anything was sent


def test_field_rule_details_name_the_field(box: Sandbox) -> None:
    assert error_of(insert(box, [{"Reference": "TOOLONGREF", "Name": "x"}]))[2] == \
        'The value for "Reference" has 10 characters.'
    assert error_of(insert(box, [{"Reference": "A1D001", "Name": "x"}]))[2] == 'Key ("Reference")=(A1D001) already exists.'
    assert error_of(insert(box, [{"Reference": "R1", "Name": "x", "Balance": 1}]))[2] == \
        'Column "Balance" is download-only: Sage 200 computes it.'


def test_trailing_spaces_beyond_the_length_are_dropped_as_postgres_does(box: Sandbox) -> None:
    row = only(insert(box, [{"Reference": "SPACE1    ", "Name": "Spaces"}], returning=("Reference",)))
    assert row.outcome is WriteOutcome.CREATED and row.row == {"Reference": "SPACE1  "}


@pytest.mark.parametrize(("values", "sqlstate", "message"), [
    ({"Balance": 1}, "428C9", 'column "Balance" can only be updated to DEFAULT'),
    ({"DateTimeUpdated": None}, "428C9", 'column "DateTimeUpdated" can only be updated to DEFAULT'),
    ({"CurrencyId": 1}, "428C9", 'column "CurrencyId" can only be updated to DEFAULT'),
    ({"Id": 5}, "428C9", 'column "Id" can only be updated to DEFAULT'),
    ({"Reference": "ABB001"}, "23505", 'duplicate key value violates unique constraint "Customers_Reference_key"'),
    ({"OnHold": "yes"}, "42804", 'column "OnHold" is of type boolean but expression is of type text'),
])
def test_field_rules_on_update(box: Sandbox, values: dict, sqlstate: str, message: str) -> None:
    assert error_of(update(box, [RowChange({"Id": A1}, values)]))[:2] == (sqlstate, message)
    assert box.writes() == []


def test_api_rejections_say_what_the_api_said(box: Sandbox) -> None:
    sqlstate, message, detail = error_of(insert(box, [{"Reference": "R1", "Name": "x", "CurrencyId": 424242}]))
    assert sqlstate == "22023"
    assert message == "Sage 200 refused the customer: 'currency_id' does not refer to an existing record"
    assert detail == "POST /uk/sage200/accounts/v1/customers → HTTP 400 ValidationFailed"


# -- statements that fail half way ------------------------------------------------------------------------------


def test_a_bad_row_stops_the_request_before_anything_is_sent(box: Sandbox) -> None:
    result = insert(box, [{"Reference": "OK0001", "Name": "fine"}, {"Reference": "R2", "Name": None}])
    assert [r.outcome for r in result.rows] == [WriteOutcome.NOT_ATTEMPTED, WriteOutcome.FAILED]
    assert box.writes() == [] and box.with_reference("OK0001") == []


def test_a_failure_half_way_reports_what_was_applied(box: Sandbox) -> None:
    seen: list[RowResult] = []
    result = insert(box, [{"Reference": "HALF01", "Name": "First"}, {"Reference": "A1D001", "Name": "Duplicate"},
                          {"Reference": "HALF03", "Name": "Third"}], on_result=seen.append)
    assert [r.outcome for r in result.rows] == [WriteOutcome.CREATED, WriteOutcome.FAILED, WriteOutcome.NOT_ATTEMPTED]
    assert [r.index for r in result.applied] == [0] and result.first_error.sqlstate == "23505"  # type: ignore[union-attr]
    assert sorted(r.index for r in seen) == [0, 1, 2]  # every row reported as it became final
    assert len(box.with_reference("HALF01")) == 1 and box.with_reference("HALF03") == []


def test_without_stop_on_error_every_row_is_tried(box: Sandbox) -> None:
    result = insert(box, [{"Reference": "ALL001", "Name": "One"}, {"Reference": "A1D001", "Name": "Dup"},
                          {"Reference": "ALL003", "Name": "Three"}], stop_on_error=False)
    assert [r.outcome for r in result.rows] == [WriteOutcome.CREATED, WriteOutcome.FAILED, WriteOutcome.CREATED]


def test_on_conflict_do_nothing(box: Sandbox) -> None:
    row = only(insert(box, [{"Reference": "A1D001", "Name": "ignored"}], match_on=("Reference",),
                      on_conflict=OnConflict.NOTHING))
    assert (row.outcome, row.key, row.matched_by) == (WriteOutcome.UNCHANGED, {"Id": A1}, "Reference")
    assert box.writes() == []


# -- idempotence: a re-sent insert, a lost answer, a crash between sending and recording ------------------------


def test_a_resent_insert_with_the_same_external_id_updates(box: Sandbox) -> None:
    row = {"ExternalId": "order-77", "Reference": "RES001", "Name": "Resent Ltd"}
    first = only(insert(box, [row], match_on=("ExternalId",)))
    again = only(insert(box, [row], match_on=("ExternalId",), on_conflict=OnConflict.UPDATE))
    assert first.outcome is WriteOutcome.CREATED and again.outcome is WriteOutcome.UPDATED
    assert again.key == first.key and len(box.named("Resent Ltd")) == 1


def test_a_resent_plain_insert_with_a_known_external_id_is_a_duplicate(box: Sandbox) -> None:
    row = {"ExternalId": "order-78", "Reference": "RES002", "Name": "Resent Two"}
    only(insert(box, [row]))
    assert error_of(insert(box, [row], match_on=("ExternalId",)))[:2] == \
        ("23505", 'duplicate key value violates unique constraint "Customers_ExternalId_key"')


@pytest.mark.parametrize("fault", ["drop", "drop_reply"])
def test_a_create_whose_connection_drops_creates_exactly_one_customer(box: Sandbox, fault: str) -> None:
    box.faults(f"{fault}:count=1:method=POST:path=*/customers")
    row = only(insert(box, [{"ExternalId": f"lost-{fault}", "Name": f"Lost {fault} Ltd"}],
                      ctx=Ctx(AutoGenerateReferences=True), match_on=("ExternalId",), returning=("Id", "Reference")))
    assert row.outcome is WriteOutcome.CREATED, row
    assert any(r.fault == fault and r.method == "POST" for r in box.state.requests)
    made = box.named(f"Lost {fault} Ltd")
    assert [c["id"] for c in made] == [row.key["Id"]]  # type: ignore[index]
    # the client, which never heard back, sends the insert again: it updates the same customer
    again = only(insert(box, [{"ExternalId": f"lost-{fault}", "Name": f"Lost {fault} Ltd"}],
                        ctx=Ctx(AutoGenerateReferences=True), match_on=("ExternalId",),
                        on_conflict=OnConflict.UPDATE))
    assert (again.outcome, again.key) == (WriteOutcome.UPDATED, row.key)
    assert len(box.named(f"Lost {fault} Ltd")) == 1


def test_a_pending_create_left_by_a_crash_is_found_by_its_reference(box: Sandbox) -> None:
    # the process died after the create was sent (pending entry written) and before its answer was recorded
    truth = TruthTable(box.tmp / "tokens.external-ids.sqlite")
    scope = Scope("c3a91133-a250-c54f-e9ac-08d507348a36", 1, "customers")
    anyio.run(truth.put, scope, Entry("crash-1", None, "CRA001", True, "Crash Ltd"))
    assert box.api("POST", "/customers", json={"reference": "CRA001", "name": "Crash Ltd"}).status_code == 200
    row = only(insert(box, [{"ExternalId": "crash-1", "Name": "Crash Ltd"}], match_on=("ExternalId",),
                      on_conflict=OnConflict.UPDATE, ctx=Ctx(AutoGenerateReferences=True)))
    assert (row.outcome, row.matched_by) == (WriteOutcome.UPDATED, "ExternalId")
    assert len(box.named("Crash Ltd")) == 1
    assert anyio.run(truth.get, scope, "crash-1") == Entry("crash-1", row.key["Id"], "CRA001")  # type: ignore[index]


def test_a_pending_create_that_never_happened_is_sent_again_with_its_reference(box: Sandbox) -> None:
    truth = TruthTable(box.tmp / "tokens.external-ids.sqlite")
    scope = Scope("c3a91133-a250-c54f-e9ac-08d507348a36", 1, "customers")
    anyio.run(truth.put, scope, Entry("never-1", None, "NEV001", True, "Never Ltd"))
    row = only(insert(box, [{"ExternalId": "never-1", "Name": "Never Ltd"}], match_on=("ExternalId",),
                      returning=("Reference",)))
    assert row.outcome is WriteOutcome.CREATED and row.row == {"Reference": "NEV001"}


def test_a_refused_create_leaves_no_pending_entry(box: Sandbox) -> None:
    only(insert(box, [{"ExternalId": "bad-1", "Reference": "BAD001", "Name": "x", "CurrencyId": 424242}]))
    truth = TruthTable(box.tmp / "tokens.external-ids.sqlite")
    assert anyio.run(truth.get, Scope("c3a91133-a250-c54f-e9ac-08d507348a36", 1, "customers"), "bad-1") is None


def test_the_truth_table_survives_a_restart_and_a_deleted_customer_is_forgotten(box: Sandbox) -> None:
    created = only(insert(box, [{"ExternalId": "keep-1", "Reference": "KEEP01", "Name": "Kept"}]))
    # a new data source (a restarted server) reads the same file
    again = only(insert(box, [{"ExternalId": "keep-1", "Name": "Kept again"}], match_on=("ExternalId",),
                        on_conflict=OnConflict.UPDATE))
    assert (again.outcome, again.key) == (WriteOutcome.UPDATED, created.key)
    # deleted in Sage behind our back: the stale entry is dropped and the reference rule applies
    assert box.api("DELETE", f"/customers/{created.key['Id']}").status_code == 200  # type: ignore[index]
    recreated = only(insert(box, [{"ExternalId": "keep-1", "Reference": "KEEP01", "Name": "Kept anew"}],
                            match_on=UPSERT, on_conflict=OnConflict.UPDATE))
    assert recreated.outcome is WriteOutcome.CREATED and [c["name"] for c in box.with_reference("KEEP01")] == \
        ["Kept anew"]


# -- UPDATE and DELETE by key --------------------------------------------------------------------------------------


def test_update_by_key_with_returning_and_external_id(box: Sandbox) -> None:
    row = only(update(box, [RowChange({"Id": A1}, {"Website": "https://a1.example", "ExternalId": "a1-crm"})],
                      returning=("Id", "Website", "ExternalId", "Contacts")))
    assert row.outcome is WriteOutcome.UPDATED
    assert row.row["Website"] == "https://a1.example" and row.row["ExternalId"] == "a1-crm"  # type: ignore[index]
    assert row.row["Contacts"].startswith("[")  # type: ignore[index]  # read again: the PUT answer has no contacts
    by_external = only(insert(box, [{"ExternalId": "a1-crm", "Name": "A1 via ExternalId"}], match_on=UPSERT,
                              on_conflict=OnConflict.UPDATE))
    assert (by_external.matched_by, by_external.key) == ("ExternalId", {"Id": A1})


def test_update_of_a_missing_row_is_not_found(box: Sandbox) -> None:
    assert only(update(box, [RowChange({"Id": 999}, {"Name": "ghost"})])).outcome is WriteOutcome.NOT_FOUND


def test_delete(box: Sandbox) -> None:
    made = only(insert(box, [{"ExternalId": "gone-1", "Reference": "GONE01", "Name": "Gone"}]))
    provider = box.customers()
    result = anyio.run(provider.delete, DeleteRequest([made.key, {"Id": 999}, {"Id": A1}], stop_on_error=False,
                                                      returning=("Reference",)), Ctx())
    deleted, missing, in_use = result.rows
    assert (deleted.outcome, deleted.row) == (WriteOutcome.DELETED, {"Reference": "GONE01"})
    assert missing.outcome is WriteOutcome.NOT_FOUND
    assert in_use.outcome is WriteOutcome.FAILED and in_use.error.sqlstate == "23503"  # type: ignore[union-attr]
    assert "sop_orders" in in_use.error.message  # type: ignore[union-attr]
    assert box.with_reference("GONE01") == [] and len(box.with_reference("A1D001")) == 1
    truth = TruthTable(box.tmp / "tokens.external-ids.sqlite")
    assert anyio.run(truth.get, Scope("c3a91133-a250-c54f-e9ac-08d507348a36", 1, "customers"), "gone-1") is None


def test_an_api_that_keeps_failing_fails_the_row_and_says_so(box: Sandbox) -> None:
    box.faults("500:method=PUT:path=*/customers/*,500:method=POST:path=*/customers")
    sqlstate, message, _ = error_of(update(box, [RowChange({"Id": A1}, {"Name": "never"})]))
    assert sqlstate == "HV000" and message.startswith("Sage 200 API request failed after 5 attempts: HTTP 500")
    sqlstate, message, _ = error_of(insert(box, [{"ExternalId": "down-1", "Reference": "DOWN01", "Name": "Down"}]))
    assert (sqlstate, message) == ("HV000", "the Sage 200 API did not confirm the create of customer DOWN01: "
                                            "HTTP 500 Internal Server Error")
    box.faults("")
    assert box.with_reference("DOWN01") == []
    # the pending entry stays, so sending the row again once the API is back creates it exactly once
    row = only(insert(box, [{"ExternalId": "down-1", "Reference": "DOWN01", "Name": "Down"}], match_on=("ExternalId",)))
    assert row.outcome is WriteOutcome.CREATED and len(box.with_reference("DOWN01")) == 1
