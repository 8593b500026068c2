"""OData generation: literals, escaping of hostile input, exactness decisions, plan()."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from fake_sage import Ctx

from pgserver.provider import AllOf, AnyOf, Column, Comparison, Not, Op, ScanRequest, SortKey, TableSpec
from providers.sage200.data_source import SageDataSource, SageSession
from providers.sage200.odata import build_filter, encode_query, format_literal, format_timestamp, translate
from providers.sage200.provider import SageViewProvider

SPEC = TableSpec(
    "StandardUK",
    "Things",
    (
        Column("Id", "bigint", is_key=True, nullable=False, source="id"),
        Column("Name", "text", source="name"),
        Column("Balance", "numeric(18,2)", source="balance"),
        Column("OnHold", "boolean", source="on_hold"),
        Column("Opened", "date", source="opened"),
        Column("Updated", "timestamp", source="date_time_updated"),
        Column("Qty", "integer", source="qty"),
        Column("City", "varchar(60)", source="main_address.city", filterable=False),
        Column("Notes", "text", source="notes", filterable=False),
        Column("Contacts", "text", source="contacts", filterable=False),
    ),
    extra={
        "resource": "/things",
        "base_path": "/uk/sage200/accounts/v1",
        "source_kinds": {"City": "nested", "Contacts": "json"},
    },
)


def t(qual):  # noqa: ANN001, ANN201 - test helper: the translation, None when not sent
    translation = translate(SPEC, qual)
    assert (translation.text is None) == bool(translation.note) or translation.text is not None
    return translation if translation.text is not None else None


HOSTILE = [
    "O'Brien",
    "' or 1 eq 1 or name eq '",
    "x') or (id gt 0",
    "a&$top=1",
    "a#b",
    "50%25 off",
    "a+b",
    "''",
    "'",
    "\\'",
    "line\nbreak",
    "ünïcødé ☃",
    "$filter=id eq 1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_stay_one_literal(value: str) -> None:
    translation = t(Comparison("Name", Op.EQ, value))
    assert translation is not None
    expected = "name eq '" + value.replace("'", "''") + "'"
    assert translation.text == expected
    # Through the query string and back, the server sees exactly that one $filter value.
    query = encode_query([("$filter", translation.text), ("$top", "5")])
    parsed = parse_qs(query, keep_blank_values=True)
    assert parsed == {"$filter": [expected], "$top": ["5"]}
    # The literal's body has only doubled quotes: dropping them leaves no stray quote.
    body = expected[len("name eq '") : -1]
    assert "'" not in body.replace("''", "")


def test_literals_by_type() -> None:
    assert format_literal(SPEC.columns[0], 5) == "5"
    assert format_literal(SPEC.columns[0], Decimal("7")) == "7"
    assert format_literal(SPEC.columns[0], Decimal("7.5")) is None  # never match an integer field
    assert format_literal(SPEC.columns[0], True) is None
    assert format_literal(SPEC.columns[0], "5") is None
    assert format_literal(SPEC.columns[2], Decimal("1E+2")) == "100"
    assert format_literal(SPEC.columns[2], Decimal("0.10")) == "0.10"
    assert format_literal(SPEC.columns[2], Decimal("NaN")) is None
    assert format_literal(SPEC.columns[3], True) == "true"
    assert format_literal(SPEC.columns[3], 1) is None
    assert format_literal(SPEC.columns[4], dt.date(2016, 2, 23)) == "2016-02-23"
    assert format_literal(SPEC.columns[4], dt.datetime(2016, 2, 23, 1)) is None
    assert format_literal(SPEC.columns[5], dt.datetime(2016, 2, 24, 9, 52, 11, 452000)) == "2016-02-24T09:52:11.452Z"
    assert format_literal(SPEC.columns[5], dt.date(2016, 2, 24)) == "2016-02-24T00:00:00Z"
    aware = dt.datetime(2016, 2, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert format_timestamp(aware) == "2016-02-24T09:00:00Z"


def test_comparisons_on_exact_types_are_pushed() -> None:
    for op, word in [(Op.EQ, "eq"), (Op.LT, "lt"), (Op.LE, "le"), (Op.GT, "gt"), (Op.GE, "ge")]:
        tr = t(Comparison("Balance", op, Decimal("10.50")))
        assert tr is not None and tr.exact and tr.text == f"balance {word} 10.50"
    assert t(Comparison("Qty", Op.IS_NULL)).text == "qty eq null"
    assert t(Comparison("Qty", Op.IS_NOT_NULL)).text == "qty ne null"
    assert t(Comparison("OnHold", Op.EQ, False)).text == "on_hold eq false"


def test_not_equal_excludes_nulls_like_sql() -> None:
    tr = t(Comparison("Qty", Op.NE, 3))
    assert tr is not None and tr.exact
    assert tr.text == "qty ne 3 and qty ne null"


def test_string_predicates_are_sent_but_rechecked() -> None:
    eq = t(Comparison("Name", Op.EQ, "abc"))
    assert eq is not None and not eq.exact
    # ne / lt / gt under a case-insensitive collation could lose rows: never sent
    for op in (Op.NE, Op.LT, Op.GT, Op.NOT_LIKE):
        assert t(Comparison("Name", op, "abc")) is None
    plan = build_filter(SPEC, [Comparison("Name", Op.EQ, "abc"), Comparison("Id", Op.GT, 3)])
    assert plan.text == "name eq 'abc' and id gt 3"
    assert plan.pushed == [Comparison("Id", Op.GT, 3)]
    assert plan.residual == [Comparison("Name", Op.EQ, "abc")]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc%", "startswith(name,'abc')"),
        ("%abc", "endswith(name,'abc')"),
        ("%abc%", "contains(name,'abc')"),
        ("ab%cd", "startswith(name,'ab') and endswith(name,'cd')"),
        ("a_c%", "startswith(name,'a') and contains(name,'c')"),
        ("abc", "name eq 'abc'"),
        ("50\\%%", "startswith(name,'50%')"),
        ("%it''s%", "contains(name,'it''''s')"),
        ("%", None),
        ("abc\\", None),
        ("[ab]%", None),
    ],
)
def test_like_patterns(pattern: str, expected: str | None) -> None:
    tr = t(Comparison("Name", Op.LIKE, pattern))
    if expected is None:
        assert tr is None
    else:
        assert tr is not None and tr.text == expected and not tr.exact


def test_in_or_chain_and_nulls() -> None:
    tr = t(Comparison("Id", Op.IN, (1, 2, None, 2)))
    assert tr is not None and tr.exact and tr.text == "id eq 1 or id eq 2"
    assert t(Comparison("Id", Op.IN, (None,))) is None
    assert t(Comparison("Id", Op.IN, tuple(range(500)))) is None  # too long for a URL
    names = t(Comparison("Name", Op.IN, ("a", "b")))
    assert names is not None and not names.exact


def test_or_and_not() -> None:
    either = AnyOf((Comparison("Id", Op.EQ, 1), AllOf((Comparison("Qty", Op.GT, 2), Comparison("OnHold", Op.EQ, True)))))
    tr = t(either)
    assert tr is not None and tr.exact
    assert tr.text == "id eq 1 or (qty gt 2 and on_hold eq true)"
    # an OR with a branch the API cannot evaluate is not sent at all
    assert t(AnyOf((Comparison("Id", Op.EQ, 1), Comparison("Notes", Op.EQ, "x")))) is None
    # NOT of an exact predicate on a non-nullable column is exact …
    not_id = t(Not(Comparison("Id", Op.EQ, 1)))
    assert not_id is not None and not_id.exact and not_id.text == "not (id eq 1)"
    # … on a nullable column the API would also return the NULL rows: sent, re-checked
    not_qty = t(Not(Comparison("Qty", Op.EQ, 1)))
    assert not_qty is not None and not not_qty.exact
    # NOT of a superset would be a subset: refused
    assert t(Not(Comparison("Name", Op.EQ, "a"))) is None
    # BETWEEN arrives as two comparisons
    plan = build_filter(SPEC, [Comparison("Opened", Op.GE, dt.date(2020, 1, 1)), Comparison("Opened", Op.LE, dt.date(2020, 12, 31))])
    assert plan.text == "opened ge 2020-01-01 and opened lt 2021-01-01"  # the whole last day, any time of it
    assert len(plan.pushed) == 2 and not plan.residual


def test_client_side_columns_stay_residual() -> None:
    plan = build_filter(SPEC, [Comparison("City", Op.EQ, "Leeds"), Comparison("Notes", Op.IS_NULL)])
    assert plan.text is None and plan.pushed == [] and len(plan.residual) == 2


def provider() -> SageViewProvider:
    return SageViewProvider(SPEC, SageSession(SageDataSource("http://fake", "demo-client", "demo-secret")))


def test_plan_pushes_order_and_limit_only_when_exact() -> None:
    p = provider()
    exact = p.plan(
        ScanRequest(["Id", "Name", "City"], [Comparison("Qty", Op.GT, 1)], [SortKey("Id", descending=True)], limit=10, offset=20),
        Ctx(),
    )
    assert exact.order_pushed and exact.limit_pushed and exact.residual_quals == []
    assert exact.description == [
        "GET /uk/sage200/accounts/v1/things?$filter=qty gt 1&$select=id,name,main_address"
        "&$expand=main_address&$orderby=id desc&$top=10&$skip=20"
    ]
    inexact = p.plan(ScanRequest(["Id"], [Comparison("Name", Op.EQ, "x")], [SortKey("Id")], limit=10), Ctx())
    assert not inexact.order_pushed and not inexact.limit_pushed
    assert inexact.residual_quals == [Comparison("Name", Op.EQ, "x")]
    assert "$top=500&$skip=0 (pages until short)" in inexact.description[0]
    # text and nullable columns are never ordered by the API (collation, NULL placement)
    by_name = p.plan(ScanRequest(["Id"], [], [SortKey("Name")], limit=5), Ctx())
    assert not by_name.order_pushed and not by_name.limit_pushed


def test_plan_selects_paging_key_and_expands_collections() -> None:
    plan = provider().plan(ScanRequest(["Contacts"]), Ctx(PageSize=100))
    assert plan.description[0] == (
        "GET /uk/sage200/accounts/v1/things?$select=contacts,id&$expand=contacts&$orderby=id asc&$top=100&$skip=0"
        " (pages until short)"
    )


NESTED = TableSpec(
    "StandardUK",
    "Orders",
    (
        Column("Id", "bigint", is_key=True, nullable=False, source="id"),
        Column("DeliveryCity", "text", source="delivery_address.city"),
        Column("DeliveryId", "bigint", source="delivery_address.id"),
        Column("MainCity", "text", source="main_address.city", filterable=False),
        Column("Lines", "text", source="lines", filterable=False),
        Column("Total", "numeric(18,2)", source="total"),
    ),
    extra={"resource": "/orders", "base_path": "/uk/sage200/accounts/v1", "client_side_filters": ("MainCity",),
           "source_kinds": {"DeliveryCity": "nested", "DeliveryId": "nested", "MainCity": "nested", "Lines": "json"}},
)


def test_nested_object_fields_are_sent_as_odata_paths() -> None:
    city = translate(NESTED, Comparison("DeliveryCity", Op.EQ, "Leeds"))
    assert city.text == "delivery_address/city eq 'Leeds'" and not city.exact and "case-insensitively" in city.note
    ident = translate(NESTED, Comparison("DeliveryId", Op.NE, 5))
    assert ident.text == "delivery_address/id ne 5 and delivery_address/id ne null" and ident.exact
    assert translate(NESTED, Comparison("DeliveryCity", Op.IS_NULL)).text == "delivery_address/city eq null"


def test_what_cannot_be_sent_says_why() -> None:
    lines = translate(NESTED, Comparison("Lines", Op.EQ, "[]"))
    assert lines.text is None and "collection rendered as JSON text" in lines.note
    main = translate(NESTED, Comparison("MainCity", Op.EQ, "Leeds"))
    assert main.text is None and "spec filters MainCity client side" in main.note
    ordered = translate(NESTED, Comparison("DeliveryCity", Op.LT, "M"))
    assert ordered.text is None and "case-insensitively" in ordered.note
    either = translate(NESTED, AnyOf((Comparison("Id", Op.EQ, 1), Comparison("Lines", Op.IS_NULL))))
    assert either.text is None and "branch of the OR" in either.note and "JSON text" in either.note


def test_dates_are_sent_as_ranges_of_the_api_date_time() -> None:
    day = dt.date(2017, 12, 31)
    expected = {
        Op.EQ: "opened ge 2017-12-31 and opened lt 2018-01-01",
        Op.NE: "opened lt 2017-12-31 or opened ge 2018-01-01",
        Op.LT: "opened lt 2017-12-31", Op.LE: "opened lt 2018-01-01",
        Op.GT: "opened ge 2018-01-01", Op.GE: "opened ge 2017-12-31",
    }
    for op, text in expected.items():
        tr = translate(SPEC, Comparison("Opened", op, day))
        assert tr.text == text and tr.exact, op
    assert translate(SPEC, Comparison("Opened", Op.LE, dt.date.max)).text is None
    assert translate(SPEC, Comparison("Opened", Op.IN, (day, dt.date(2018, 1, 1)))).text == (
        "(opened ge 2017-12-31 and opened lt 2018-01-01) or (opened ge 2018-01-01 and opened lt 2018-01-02)")


def test_timestamps_to_the_millisecond_exact_finer_widened() -> None:
    ms = dt.datetime(2018, 2, 28, 14, 23, 46, 467000)
    assert translate(SPEC, Comparison("Updated", Op.EQ, ms)).text == "date_time_updated eq 2018-02-28T14:23:46.467Z"
    fine = ms + dt.timedelta(microseconds=250)
    eq = translate(SPEC, Comparison("Updated", Op.EQ, fine))
    assert eq.text == "date_time_updated ge 2018-02-28T14:23:46.467Z and date_time_updated le 2018-02-28T14:23:46.468Z"
    assert not eq.exact and "millisecond" in eq.note
    assert translate(SPEC, Comparison("Updated", Op.LT, fine)).text == "date_time_updated le 2018-02-28T14:23:46.468Z"
    assert translate(SPEC, Comparison("Updated", Op.GE, fine)).text == "date_time_updated ge 2018-02-28T14:23:46.467Z"
    assert translate(SPEC, Comparison("Updated", Op.NE, fine)).text is None
    aware = ms.replace(tzinfo=dt.UTC)  # the SQL layer converts it to the session's wall-clock time first
    assert translate(SPEC, Comparison("Updated", Op.EQ, aware)).text is None


def test_floats_against_decimals_and_integers_are_sent_as_intervals() -> None:
    tr = translate(SPEC, Comparison("Balance", Op.EQ, 0.1))
    assert tr.text == "balance ge 0.0999999999 and balance le 0.1000000001" and not tr.exact
    assert translate(SPEC, Comparison("Balance", Op.LT, 0.1)).text == "balance le 0.1000000001"
    assert translate(SPEC, Comparison("Qty", Op.GT, 2.0)).text == "qty ge 1.9999999999"
    assert translate(SPEC, Comparison("Balance", Op.EQ, float("nan"))).text is None
    assert translate(SPEC, Comparison("Balance", Op.NE, 1.5)).text is None
    assert translate(SPEC, Comparison("Balance", Op.EQ, 1e300)).text is None


def test_integers_against_fractions_and_booleans_in_order() -> None:
    assert translate(SPEC, Comparison("Qty", Op.LT, Decimal("2.5"))).text == "qty le 2"
    assert translate(SPEC, Comparison("Qty", Op.GE, Decimal("-2.5"))).text == "qty ge -2"
    assert translate(SPEC, Comparison("Qty", Op.NE, Decimal("2.5"))).text == "qty ne null"
    assert translate(SPEC, Comparison("Qty", Op.EQ, Decimal("2.5"))).text is None
    assert translate(SPEC, Comparison("Id", Op.EQ, 2**70)).text is None  # beyond the API's int64
    assert translate(SPEC, Comparison("OnHold", Op.LT, True)).text == "on_hold eq false"
    assert translate(SPEC, Comparison("OnHold", Op.GE, False)).text == "on_hold ne null"
    never = translate(SPEC, Comparison("OnHold", Op.GT, True))
    assert never.text == "on_hold eq true and on_hold eq false" and never.exact


def test_reports_hold_each_quals_clause_of_the_filter() -> None:
    quals = [Comparison("Id", Op.GT, 3), Comparison("Name", Op.EQ, "x"), Comparison("Contacts", Op.EQ, "[]"),
             Comparison("Opened", Op.EQ, dt.date(2020, 1, 1))]
    plan = build_filter(SPEC, quals)
    assert [r.sent for r in plan.reports] == ["id gt 3", "name eq 'x'", None,
                                              "(opened ge 2020-01-01 and opened lt 2020-01-02)"]
    assert [r.exact for r in plan.reports] == [True, False, False, True]
    assert all(r.sent is None or r.sent in plan.text for r in plan.reports)
    long = build_filter(SPEC, [Comparison("Name", Op.EQ, "y" * 5000), Comparison("Name", Op.EQ, "z" * 5000)])
    assert long.reports[1].sent is None and "6000 characters" in long.reports[1].note
    scan = provider().plan(ScanRequest(["Id"], quals), Ctx())
    assert scan.reports == plan.reports and "$filter=" + plan.text in scan.description[0]
