"""sys_connection_props, sys_sqlinfo, sys_identity, sys_information: about the connection and server."""

from __future__ import annotations

import importlib.metadata
import platform
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from pgserver.properties import CATEGORIES, PROPERTY_DEFS, PropertyDef, display
from pgserver.provider import ScanContext
from providers.system.base import SystemTable, table_spec

PRODUCT = "sage200-pgserver"


def _camel(name: str) -> str:
    """CData's PropertyName: camel case with a leading acronym lowered (OAuthClientId -> oauthClientId)."""
    for acronym in ("OAuth", "SSL"):
        if name.startswith(acronym):
            return acronym.lower() + name[len(acronym):]
    return name[:1].lower() + name[1:]


def _displayed_value(ctx: ScanContext, defn: PropertyDef) -> str:
    """The connection's effective value, secrets masked."""
    props = getattr(ctx, "properties", None)
    if props is not None and hasattr(props, "display"):
        return str(props.display(defn.name))
    return display(defn, ctx.property(defn.name))


class SysConnectionProps(SystemTable):
    spec = table_spec("sys_connection_props", "Returns information on the available connection properties and "
                      "those set in the connection string.", [
        ("Name", "String", "The name of the connection property."),
        ("ShortDescription", "String", "A brief description."),
        ("Type", "String", "The data type of the connection property."),
        ("Default", "String", "The default value if one is not explicitly set."),
        ("Values", "String", "A comma-separated list of possible values. A validation error is thrown if another "
         "value is specified."),
        ("Value", "String", "The value you set or a preconfigured default."),
        ("Required", "Boolean", "Whether the property is required to connect."),
        ("Category", "String", "The category of the connection property."),
        ("IsSessionProperty", "String", "Whether the property is a session property, used to save information "
         "about the current connection."),
        ("Sensitivity", "String", "The sensitivity level of the property. This informs whether the property is "
         "obfuscated in logging and authentication forms."),
        ("PropertyName", "String", "A camel-cased truncated form of the connection property name."),
        ("Ordinal", "Int32", "The index of the parameter."),
        ("CatOrdinal", "Int32", "The index of the parameter category."),
        ("Hierarchy", "String", "Shows dependent properties associated that need to be set alongside this one."),
        ("Visible", "Boolean", "Informs whether the property is visible in the connection UI."),
        ("ETC", "String", "Various miscellaneous information about the property."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        out = []
        for ordinal, d in enumerate(PROPERTY_DEFS, start=1):
            values = ",".join(d.allowed) if d.kind == "enum" else ("true,false" if d.kind == "bool" else None)
            out.append((
                d.name, d.description, d.type_name, display(d, d.default), values, _displayed_value(ctx, d),
                False, d.category, "false", "SENSITIVE" if d.secret else "NONE", _camel(d.name), ordinal,
                CATEGORIES.index(d.category) + 1, d.hierarchy or None, True, None,
            ))
        return out


# What this server supports (the SQL runs in DuckDB with PostgreSQL semantics; the API only
# filters, sorts and pages). Names are the spec's; values describe this server, not CData.
SQL_INFO: tuple[tuple[str, str], ...] = (
    ("AGGREGATE_FUNCTIONS", "AVG, COUNT, MAX, MIN, SUM, DISTINCT, STRING_AGG, ARRAY_AGG, BOOL_AND, BOOL_OR, "
     "STDDEV, VARIANCE"),
    ("COUNT", "YES"),
    ("IDENTIFIER_QUOTE_OPEN_CHAR", '"'),
    ("IDENTIFIER_QUOTE_CLOSE_CHAR", '"'),
    ("SUPPORTED_OPERATORS", "=, >, <, >=, <=, <>, !=, LIKE, NOT LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL, "
     "BETWEEN, AND, OR, NOT"),
    ("GROUP_BY", "SQL_GB_COLLATE"),
    ("OJ_CAPABILITIES", "LEFT, RIGHT, FULL, INNER, NOT_ORDERED, ALL_COMPARISON_OPS"),
    ("OUTER_JOINS", "YES"),
    ("SUBQUERIES", "COMPARISON, EXISTS, IN, CORRELATED_SUBQUERIES, QUANTIFIED"),
    ("STRING_FUNCTIONS", "LENGTH, LOWER, UPPER, SUBSTRING, SUBSTR, POSITION, STRPOS, TRIM, LTRIM, RTRIM, "
     "REPLACE, CONCAT, LEFT, RIGHT, LPAD, RPAD, REVERSE, REPEAT, SPLIT_PART, ASCII, CHR, INITCAP"),
    ("NUMERIC_FUNCTIONS", "ABS, CEIL, CEILING, FLOOR, ROUND, TRUNC, MOD, POWER, SQRT, EXP, LN, LOG, SIGN, PI, "
     "RANDOM, DEGREES, RADIANS, SIN, COS, TAN, ASIN, ACOS, ATAN, ATAN2"),
    ("TIMEDATE_FUNCTIONS", "NOW, CURRENT_DATE, CURRENT_TIMESTAMP, DATE_TRUNC, DATE_PART, EXTRACT, AGE, MAKE_DATE"),
    ("SUPPORT_TRANSACTION", "NO"),
    ("DIALECT", "PostgreSQL"),
    ("KEY_PROPERTIES", "Schema, CompanyId"),
    ("SUPPORTS_MULTIPLE_SCHEMAS", "YES"),
    ("SUPPORTS_MULTIPLE_CATALOGS", "NO"),
    ("SUPPORTSENHANCEDSQL", "TRUE"),
    ("SUPPORTS_BATCH_OPERATIONS", "NO"),
    ("SQL_CAP", "SELECT, ORDERBY, LIMIT, OFFSET, LIKE, COUNT, COUNTDISTINCT, GROUPBY, HAVING, AGGS, SUM, MIN, MAX, "
     "AVG, DISTINCT, JOINS, INNERJOINS, OUTERJOINS, LEFTJOINS, FULLOUTERJOIN, CROSSJOINS, COMMAJOINS, SUBQUERIES, "
     "UNION, UNIONALL, CASE, WITH, LITERALS, MULTIPLESCHEMAS, MULTISTATEMENTS, OAUTH, EXECUTE, FOREIGNKEYS, "
     "INSERT, UPDATE, DELETE, UPSERT, RETURNING"),
    ("WRITABLE_TABLES", "Customers (both editions): INSERT, UPDATE, DELETE, INSERT ... ON CONFLICT"),
    ("PSEUDO_COLUMNS", "sys_procedureparameters.IncludeResultColumns"),
)


class SysSqlInfo(SystemTable):
    spec = table_spec("sys_sqlinfo", "Describes the SELECT query processing this server supports.", [
        ("NAME", "String", "A component of SQL syntax, or a capability that can be processed on the server."),
        ("VALUE", "String", "Detail on the supported SQL or SQL syntax."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        return list(SQL_INFO)


class SysIdentity(SystemTable):
    """Always empty: every view is read-only, so no modification ever produces an id."""

    spec = table_spec("sys_identity", "Returns information about attempted modifications.", [
        ("Id", "String", "The database-generated Id returned from a data modification operation."),
        ("Batch", "String", "An identifier for the batch. 1 for a single operation."),
        ("Operation", "String", "The result of the operation in the batch: INSERTED, UPDATED, or DELETED."),
        ("Message", "String", "SUCCESS or an error message if the update in the batch failed."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        return []


def _version() -> str:
    try:
        return importlib.metadata.version(PRODUCT)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class SysInformation(SystemTable):
    spec = table_spec("sys_information", "Describes the available system information.", [
        ("Product", "String", "The name of the product."),
        ("Version", "String", "The version number of the product."),
        ("Datasource", "String", "The name of the datasource the product connects to."),
        ("NodeId", "String", "The unique identifier of the machine where the product is installed."),
        ("HelpURL", "String", "The URL to the product's help documentation."),
        ("License", "String", "The license information for the product."),
        ("Location", "String", "The file path location where the product's library is stored."),
        ("Environment", "String", "The version of the environment or runtime the product is running under."),
        ("DataSyncVersion", "String", "The tier of CData Sync required to use this connector."),
        ("DataSyncCategory", "String", "The category of CData Sync functionality (e.g., Source, Destination)."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        import pgserver

        environment = (f"Python {platform.python_version()} on {platform.system()} {platform.release()}; "
                       f"pyarrow {pa.__version__}")
        return [(
            PRODUCT, _version(), "Sage 200 (StandardUK, ProfessionalUK)", socket.gethostname(), "N/A", "N/A",
            str(Path(pgserver.__file__).resolve().parent.parent), environment, "N/A", "N/A",
        )]
