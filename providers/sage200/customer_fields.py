"""The fields a customer write may send, with the rules the API and Zynk's documents give them.

Sources: Sage's own OpenAPI schema `customer` (S4 in shared/reference/sage200-api.md: maxLength, int16/int64,
decimal 2dp, readOnly) and Zynk's Sage 200 Online customer XML (name required, the allowed values of
account_status_type and exchange_rate_type, balance and date_time_updated download-only, the currency set only
when a customer is created). Every rule is checked before anything is sent, and fails with PostgreSQL's
SQLSTATE and words, naming the field (docs/decisions/0720-customer-writes-and-identity.md):

    too long                    22001  value too long for type character varying(8)
    not one of the values       22P02  invalid input value for enum account_status_type: "x"
    not of the field's type     22P02 / 42804 / 22003 (as PostgreSQL's input functions and casts say)
    download-only               428C9  cannot insert a non-DEFAULT value into column "Balance"
    required and missing        23502  null value in column "Name" of relation "Customers" violates …

A field is addressed by its API path ("reference", "main_address.postcode"); `column` names the Customers
view column that shows it, if any (fields only the XML import reaches have none).
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pgserver import types as pgtypes
from pgserver.errors import (
    DATATYPE_MISMATCH,
    GENERATED_ALWAYS,
    INVALID_TEXT_REPRESENTATION,
    NOT_NULL_VIOLATION,
    NUMERIC_VALUE_OUT_OF_RANGE,
    STRING_DATA_RIGHT_TRUNCATION,
    PgError,
)
from pgserver.provider import Column, WriteColumn, WriteSpec
from pgserver.types import ColumnType

RELATION = "Customers"
ID, EXTERNAL_ID, REFERENCE = "Id", "ExternalId", "Reference"
IDENTITY_ORDER = (ID, EXTERNAL_ID, REFERENCE)  # Zynk's order: id, external_id, reference
EXTERNAL_ID_TYPE = "varchar(255)"  # Zynk: string(255)
_INT_RANGES = {pgtypes.INT2: (-(2**15), 2**15 - 1), pgtypes.INT4: (-(2**31), 2**31 - 1),
               pgtypes.INT8: (-(2**63), 2**63 - 1)}
_KINDS = {pgtypes.VARCHAR: "text", pgtypes.TEXT: "text", pgtypes.INT8: "int", pgtypes.INT4: "int", pgtypes.INT2: "int",
          pgtypes.NUMERIC: "decimal", pgtypes.BOOL: "bool", pgtypes.TIMESTAMP: "timestamp"}


@dataclass(frozen=True)
class Field:
    path: str  # the API's field, dotted for a nested object's field
    pg_type: str  # as PostgreSQL would declare it: varchar(8), bigint, smallint, numeric(18,2), boolean, text
    column: str | None = None  # the Customers view column showing it
    allowed: tuple[str, ...] = ()  # an enum's values
    required: bool = False  # must have a value when a customer is created
    download_only: bool = False  # the API computes it: never sent
    create_only: bool = False  # the API takes it when a customer is created, not later
    max_length_for_text: int | None = None  # an API limit on a column the view declares as text
    type: ColumnType = dataclasses.field(init=False, repr=False, compare=False)  # pg_type, parsed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", ColumnType.parse(self.pg_type))

    @property
    def kind(self) -> str:
        return _KINDS[self.type.oid]

    @property
    def max_length(self) -> int | None:
        return self.type.length if self.type.length is not None else self.max_length_for_text

    @property
    def enum_name(self) -> str:
        return self.path.rsplit(".", 1)[-1]


def _fields() -> dict[str, Field]:
    f: list[Field] = [
        Field("reference", "varchar(8)", "Reference"),
        Field("name", "varchar(60)", "Name", required=True),
        Field("short_name", "varchar(8)", "ShortName"),
        Field("balance", "numeric(18,2)", "Balance", download_only=True),
        Field("on_hold", "boolean", "OnHold"),
        Field("account_status_type", "varchar(20)", "AccountStatusType",
              allowed=("AccountStatusActive", "AccountStatusHidden")),
        Field("currency_id", "bigint", "CurrencyId", create_only=True),
        Field("exchange_rate_type", "varchar(20)", "ExchangeRateType",
              allowed=("ExchangeRateSingle", "ExchangeRatePeriod", "ExchangeRateBoth")),
        Field("telephone_country_code", "varchar(5)", "TelephoneCountryCode"),
        Field("telephone_area_code", "varchar(20)", "TelephoneAreaCode"),
        Field("telephone_subscriber_number", "varchar(200)", "TelephoneSubscriberNumber"),
        Field("fax_country_code", "varchar(5)", "FaxCountryCode"),
        Field("fax_area_code", "varchar(20)", "FaxAreaCode"),
        Field("fax_subscriber_number", "varchar(200)", "FaxSubscriberNumber"),
        Field("website", "varchar(200)", "Website"),
        Field("credit_limit", "numeric(18,2)", "CreditLimit"),
        Field("default_tax_code_id", "bigint", "DefaultTaxCodeId"),
        Field("vat_number", "varchar(30)", "VatNumber"),
        Field("duns_code", "varchar(9)", "DunsCode"),
        *[Field(f"analysis_code_{i}", "varchar(60)", f"AnalysisCode{i}") for i in range(1, 6)],
        *[Field(f"analysis_code_{i}", "text", f"AnalysisCode{i}", max_length_for_text=60) for i in range(6, 21)],
        Field("average_time_to_pay", "integer", "AverageTimeToPay", download_only=True),
        Field("value_of_current_orders_in_sop", "numeric(18,2)", "ValueOfCurrentOrdersInSop", download_only=True),
        Field("country_code_id", "bigint", "CountryCodeId"),
        Field("country_code.code", "text", "CountryCode", download_only=True),
        Field("country_code.name", "text", "CountryCodeName", download_only=True),
        Field("country_code.eu_member", "boolean", "CountryCodeEuMember", download_only=True),
        Field("main_address.address_1", "varchar(60)", "MainAddress_1"),
        Field("main_address.address_2", "varchar(60)", "MainAddress_2"),
        Field("main_address.address_3", "varchar(60)", "MainAddress_3"),
        Field("main_address.address_4", "varchar(60)", "MainAddress_4"),
        Field("main_address.city", "varchar(60)", "MainAddressCity"),
        Field("main_address.county", "varchar(60)", "MainAddressCounty"),
        Field("main_address.postcode", "varchar(10)", "MainAddressPostcode"),
        Field("contacts", "text", "Contacts", download_only=True),
        Field("date_time_updated", "timestamp", "DateTimeUpdated", download_only=True),
        # reached by the XML import only (no Customers column shows them)
        Field("main_address.country", "varchar(60)"),
        Field("terms_agreed", "boolean"),
        Field("use_tax_code_as_default", "boolean"),
        Field("default_nominal_code_reference", "varchar(8)"),
        Field("default_nominal_code_cost_centre", "varchar(3)"),
        Field("default_nominal_code_department", "varchar(3)"),
        Field("months_to_keep_transactions", "smallint"),
        Field("early_settlement_discount_percent", "numeric(18,2)"),
        Field("early_settlement_discount_days", "smallint"),
        Field("payment_terms_days", "smallint"),
        Field("date_time_created", "timestamp", download_only=True),
    ]
    return {x.path: x for x in f}


FIELDS: dict[str, Field] = _fields()
BY_COLUMN: dict[str, Field] = {f.column.lower(): f for f in FIELDS.values() if f.column}


def field_for_column(name: str) -> Field | None:
    return BY_COLUMN.get(name.lower())


def label(field: Field) -> str:
    """How a message names the field: its column when the view has one, else its API path."""
    return field.column or field.path


def download_only_error(field: Field, shown: str, updating: bool) -> PgError:
    detail = f'Column "{shown}" is download-only: Sage 200 computes it.'
    if updating:
        return PgError(GENERATED_ALWAYS, f'column "{shown}" can only be updated to DEFAULT', detail=detail)
    return PgError(GENERATED_ALWAYS, f'cannot insert a non-DEFAULT value into column "{shown}"', detail=detail)


def create_only_error(shown: str) -> PgError:
    return PgError(GENERATED_ALWAYS, f'column "{shown}" can only be updated to DEFAULT',
                   detail=f'"{shown}" is set when a customer is created and cannot be changed afterwards.')


def not_null_error(shown: str, hint: str | None = None) -> PgError:
    return PgError(NOT_NULL_VIOLATION,
                   f'null value in column "{shown}" of relation "{RELATION}" violates not-null constraint', hint=hint)


def check_value(field: Field, value: Any, shown: str) -> Any:
    """The value as the API takes it (strings, ints, Decimals with the field's scale, bools); PgError when
    a rule refuses it. NULL is an empty string for text (Sage stores no NULL text) and refused otherwise."""
    if value is None:
        if field.required:
            raise not_null_error(shown)
        if field.kind == "text":
            return ""
        raise not_null_error(shown, hint="Sage 200 stores no NULL here; give a value.")
    kind = field.kind
    if kind == "text":
        if not isinstance(value, str):
            raise _mismatch(shown, field, value)
        limit = field.max_length
        if limit is not None and len(value) > limit:
            if value[limit:].strip(" "):  # PostgreSQL drops excess trailing spaces silently
                raise PgError(STRING_DATA_RIGHT_TRUNCATION, f"value too long for type character varying({limit})",
                              detail=f'The value for "{shown}" has {len(value)} characters.')
            value = value[:limit]
        if field.allowed and value not in field.allowed:
            raise PgError(INVALID_TEXT_REPRESENTATION,
                          f'invalid input value for enum {field.enum_name}: "{_short(value)}"',
                          detail=f'"{shown}" must be one of: {", ".join(field.allowed)}.')
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _mismatch(shown, field, value)
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
                value = int(value)
            else:
                raise _mismatch(shown, field, value)
        low, high = _INT_RANGES[field.type.oid]
        if not low <= value <= high:
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f"{field.pg_type} out of range",
                          detail=f'The value for "{shown}" is {value}.')
        return value
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
            raise _mismatch(shown, field, value)
        return _numeric(decimal.Decimal(str(value)) if isinstance(value, float) else decimal.Decimal(value),
                        field, shown)
    raise _mismatch(shown, field, value)


def _numeric(value: decimal.Decimal, field: Field, shown: str) -> decimal.Decimal:
    """Rounded to the column's scale (half away from zero) and checked against its precision, as
    PostgreSQL's numeric(p,s) assignment does."""
    if not value.is_finite():
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow",
                      detail=f'"{shown}" cannot hold {value}.')
    precision_scale = field.type.precision_scale
    assert precision_scale is not None, f"{field.path} is declared numeric without precision and scale"
    precision, scale = precision_scale
    rounded = value.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP,
                             context=decimal.Context(prec=100))
    if abs(rounded) >= decimal.Decimal(10) ** (precision - scale):
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow",
                      detail=f"A field with precision {precision}, scale {scale} must round to an absolute value "
                             f"less than 10^{precision - scale}.")
    return rounded


def _pg_type_words(field: Field) -> str:
    return pgtypes.format_type(field.type.oid)  # the type's name without its modifiers, as 42804 words it


def _type_of(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "double precision", str: "text",
            decimal.Decimal: "numeric"}.get(type(value), type(value).__name__)


def _mismatch(shown: str, field: Field, value: Any) -> PgError:
    return PgError(DATATYPE_MISMATCH,
                   f'column "{shown}" is of type {_pg_type_words(field)} but expression is of type {_type_of(value)}',
                   hint="You will need to rewrite or cast the expression.")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def set_path(payload: dict[str, Any], path: str, value: Any) -> None:
    """payload["main_address"]["postcode"] = value for "main_address.postcode"."""
    head, _, tail = path.partition(".")
    if tail:
        payload.setdefault(head, {})[tail] = value
    else:
        payload[head] = value


def get_path(payload: Mapping[str, Any], path: str) -> Any:
    head, _, tail = path.partition(".")
    value = payload.get(head)
    if tail:
        return value.get(tail) if isinstance(value, Mapping) else None
    return value


# ---------------------------------------------------------------------------
# What the Customers view lets clients write
# ---------------------------------------------------------------------------


EXTERNAL_ID_DESCRIPTION = ("Your system's id for the customer, kept in the data source's truth table (Zynk's "
                           "duplicate prevention): a re-sent insert with it updates, never duplicates. NULL when "
                           "none was given.")


def external_id_column() -> Column:
    """The Customers column showing the truth table's external id (filtered locally: the API has no such field)."""
    return Column(EXTERNAL_ID, EXTERNAL_ID_TYPE, description=EXTERNAL_ID_DESCRIPTION, filterable=False)


def customer_write_spec(columns: Sequence[Any]) -> WriteSpec:
    """The WriteSpec of a Customers view (either edition) from its columns (ExternalId among them)."""
    out: list[WriteColumn] = []
    for column in columns:
        if column.name == EXTERNAL_ID:
            continue  # declared last, below
        if column.name == ID:
            out.append(WriteColumn(ID, identity=True, generated=True, description="Assigned by Sage 200."))
            continue
        f = field_for_column(column.name)
        if f is None or f.download_only:
            out.append(WriteColumn(column.name, description="Download-only: computed by Sage 200."))
        elif column.name == REFERENCE:
            out.append(WriteColumn(REFERENCE, insertable=True, updatable=True, required=True, identity=True,
                                   generated=True, description="Generated when AutoGenerateReferences is on."))
        else:
            out.append(WriteColumn(column.name, insertable=True, updatable=not f.create_only, required=f.required,
                                   description="Set only when a customer is created." if f.create_only else ""))
    out.append(WriteColumn(EXTERNAL_ID, insertable=True, updatable=True, identity=True,
                           description=EXTERNAL_ID_DESCRIPTION))
    return WriteSpec(columns=tuple(out), key=(ID,), identity_order=IDENTITY_ORDER)
