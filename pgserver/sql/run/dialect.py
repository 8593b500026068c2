"""The one place where PostgreSQL semantics are restored after sqlglot's transpilation to DuckDB.

sqlglot maps syntax; a few behaviours differ underneath and are fixed here (or by the
DuckDB settings in `DUCKDB_SETTINGS`, applied once per session):
- integer division: PostgreSQL 7/2 = 3 → DuckDB `integer_division`;
- division by zero raises (22012) → DuckDB `error_on_division_by_zero`;
- LIKE/ILIKE treat backslash as the default escape character in PostgreSQL, not in DuckDB;
- SESSION_USER/USER are PostgreSQL keywords that DuckDB answers with its own user name;
- format() is PostgreSQL's (%s, %I, %L, positions and widths), not DuckDB's {} placeholders;
- to_hex() is lower case in PostgreSQL, upper case in DuckDB;
- octet_length(text) counts UTF-8 bytes (DuckDB's octet_length takes only BLOB/BIT: strlen);
- `pg_catalog.fn(...)` calls drop the schema (DuckDB reads `a.f()` as a method call on a);
- CURRENT_DATE/CURRENT_TIME aliased to their own name confuse DuckDB's binder, so they are
  written as function calls;
- PostgreSQL's type resolution (unknown literals, int4 constants, fixed function result types):
  type_resolution.py, applied first;
- timestamps with time zone come back in UTC (the session TimeZone is applied on output);
- bytea input: '\\x00ff' is hex (PostgreSQL's bytea_output=hex form); DuckDB reads \\x00 as an escape;
- numeric literals cast to `numeric`, numeric division and avg() keep PostgreSQL's scales (pg_numeric);
- an empty select list (`SELECT FROM t`, PostgreSQL's zero-column rows) gets one placeholder column, NO_COLUMN,
  which the result drops;
- json `#>` / `#>>` with a constant text-array path are DuckDB's json_extract / json_extract_string with
  a JSON pointer (each element a key or, on an array, an index — PostgreSQL's reading of the path).
"""

from __future__ import annotations

from sqlglot import exp

from pgserver.sql.bind import pg_numeric, type_resolution
from pgserver.sql.run import jsonb_operators

DUCKDB_SETTINGS: dict[str, str] = {
    "integer_division": "true",
    "error_on_division_by_zero": "true",
    "TimeZone": "'UTC'",
    "threads": "1",  # two CPU cores are shared by every session; one thread also keeps provider order
    "preserve_insertion_order": "true",
}


def to_duckdb_sql(tree: exp.Expression) -> str:
    """DuckDB SQL for a (resolved) PostgreSQL query tree."""
    resolved = type_resolution.resolve(tree)
    pg_numeric.type_numeric_casts(resolved)
    return resolved.transform(_fix_node, copy=False).sql(dialect="duckdb")


def _fixed(node: exp.Expression) -> exp.Expression:
    """A replaced node's operands are not visited by transform(): fix them explicitly."""
    return node.transform(_fix_node, copy=True)


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else ""


def _bytea_input(node: exp.Cast) -> exp.Expression | None:
    """text → bytea: the hex form '\\x…' is decoded as hex; the escape form is DuckDB's own."""
    if not node.to.is_type(exp.DataType.Type.VARBINARY, exp.DataType.Type.BINARY, exp.DataType.Type.BLOB):
        return None
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        if value.this.startswith("\\x"):
            return exp.Anonymous(this="from_hex", expressions=[exp.Literal.string(value.this[2:])])
        return None
    if isinstance(value, exp.Literal | exp.Null) or value.type is None:
        return None
    if value.type.is_type(*exp.DataType.TEXT_TYPES):
        text = _fixed(value)
        return exp.Case(ifs=[exp.If(this=exp.Anonymous(this="starts_with", expressions=[text, exp.Literal.string("\\x")]),
                                    true=exp.Anonymous(this="from_hex", expressions=[
                                        exp.Substring(this=text.copy(), start=exp.Literal.number(3))]))],
                        default=exp.Cast(this=text.copy(), to=node.to.copy()))
    return None


def _sized_text(node: exp.Cast, padded: bool = False) -> exp.Expression | None:
    """An explicit cast to varchar(n) truncates to n characters, char(n) also pads with spaces (PostgreSQL);
    DuckDB's VARCHAR has no length."""
    if not node.to.is_type(exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR) or len(node.to.expressions) != 1:
        return None
    size = node.to.expressions[0]
    size = size.this if isinstance(size, exp.DataTypeParam) else size
    if not isinstance(size, exp.Literal) or size.is_string:
        return None
    text = exp.Cast(this=_fixed(node.this), to=exp.DataType.build("VARCHAR"))
    cut = exp.Anonymous(this="left", expressions=[text, size.copy()])
    if node.to.is_type(exp.DataType.Type.CHAR):
        if padded or _keeps_padding(node):
            return exp.Anonymous(this="rpad", expressions=[cut, size.copy(), exp.Literal.string(" ")])
        # used as text (every string function and operator but octet_length takes text): bpchar's trailing
        # spaces are not significant and go, as PostgreSQL's bpchar-to-text conversion drops them
        return exp.Anonymous(this="rtrim", expressions=[cut, exp.Literal.string(" ")])
    return cut


def _rounded_timestamp(node: exp.Cast) -> exp.Expression | None:
    """An explicit cast to timestamp(p) or timestamptz(p), p < 6, rounds to p fractional digits as PostgreSQL
    does (`__pg_round_timestamp`); DuckDB's timestamps keep their microseconds whatever the precision."""
    if not node.to.is_type(exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ) or len(node.to.expressions) != 1:
        return None
    precision = node.to.expressions[0]
    precision = precision.this if isinstance(precision, exp.DataTypeParam) else precision
    if not isinstance(precision, exp.Literal) or precision.is_string or not precision.this.isdigit() \
            or int(precision.this) >= 6:
        return None
    plain = exp.Cast(this=_fixed(node.this), to=exp.DataType(this=node.to.this))
    return exp.Anonymous(this="__pg_round_timestamp",
                         expressions=[plain, exp.Literal.number(10 ** (6 - int(precision.this)))])


# PostgreSQL's clock keywords as DuckDB's function calls
_CLOCK_CALLS: dict[type[exp.Expression], str] = {
    exp.CurrentTimestamp: "get_current_timestamp", exp.CurrentDate: "current_date", exp.CurrentTime: "get_current_time",
    exp.Localtimestamp: "current_localtimestamp", exp.Localtime: "current_localtime"}


def _time_of_timestamptz(node: exp.Cast) -> exp.Expression | None:
    """timestamptz::time is the time of day in the session's zone (PostgreSQL's timestamptz_time); DuckDB has no such
    cast ("Unimplemented type for cast"), so it goes through timestamp. Only for an operand whose type the tree
    shows: now() / current_timestamp, or a cast to timestamptz."""
    if not node.to.is_type(exp.DataType.Type.TIME):
        return None
    operand = node.this
    if not (isinstance(operand, exp.CurrentTimestamp)
            or (isinstance(operand, exp.Cast) and operand.to.is_type(exp.DataType.Type.TIMESTAMPTZ))):
        return None
    return exp.Cast(this=exp.Cast(this=_fixed(operand), to=exp.DataType.build("TIMESTAMP")), to=node.to.copy())


def _keeps_padding(node: exp.Cast) -> bool:
    """A char(n) value printed as such (a result column) keeps its padding (octet_length(character) too: below)."""
    parent = node.parent
    if isinstance(parent, exp.Alias):
        parent = parent.parent
    # concat(), concat_ws() and format() take "any": a value goes in by its output function, padding included
    return isinstance(parent, exp.Select) or isinstance(node.parent, exp.Concat | exp.ConcatWs)


def _any_argument(argument: exp.Expression) -> exp.Expression:
    """An argument of a function over "any" (format): a char(n) value keeps its padding there."""
    padded = _sized_text(argument, padded=True) if isinstance(argument, exp.Cast) else None
    return padded if padded is not None else _fixed(argument)


def _json_path(node: exp.Expression) -> exp.Expression | None:
    """`j #> '{a,2}'` → json_extract(j, '/a/2'), `#>>` → json_extract_string (None: the path is not a constant)."""
    path = node.expression
    if not (isinstance(path, exp.Literal) and path.is_string and path.this.startswith("{") and path.this.endswith("}")):
        return None
    from pgserver.errors import PgError
    from pgserver.types.array import parse_array

    try:
        elements = parse_array(path.this, str, "text[]")
    except PgError:
        return None
    if any(e is None or isinstance(e, list) for e in elements):
        return None
    if isinstance(node, exp.JSONBExtract) and not type_resolution.is_jsonb(node.this):
        # json (not jsonb) #> keeps the value's text as written: '{"c": "x"}', not DuckDB's minified form
        return exp.Anonymous(this=jsonb_operators.JSON_PATH, expressions=[
            exp.cast(_fixed(node.this), exp.DataType.build("VARCHAR")),
            exp.Array(expressions=[exp.Literal.string(str(e)) for e in elements])])
    pointer = "".join("/" + str(e).replace("~", "~0").replace("/", "~1") for e in elements)
    function = "json_extract_string" if isinstance(node, exp.JSONBExtractScalar) else "json_extract"
    document = exp.Cast(this=_fixed(node.this), to=exp.DataType.build("JSON", dialect="duckdb"))
    return exp.Anonymous(this=function, expressions=[document, exp.Literal.string(pointer)])


def _array_text(node: exp.Cast) -> exp.Expression | None:
    """array::text prints PostgreSQL's array form ({1,2,NULL}); DuckDB's VARCHAR of a list is [1, 2, NULL]."""
    if not node.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR) or node.to.expressions \
            or not type_resolution.is_array(node.this):
        return None
    operand = _fixed(node.this)
    return exp.Anonymous(this="__pg_array_text", expressions=[
        exp.Cast(this=operand, to=exp.DataType.build("VARCHAR[]", dialect="duckdb")),
        exp.Anonymous(this="typeof", expressions=[operand.copy()])])


def similar_to_regex(pattern: str, escape: str | None = "\\") -> str:
    """A SIMILAR TO pattern as the regular expression PostgreSQL's similar_to_escape() makes of it (% any string,
    _ any character, the escape character quoting the next one, bracket expressions kept); matched whole."""
    out: list[str] = []
    index, in_bracket = 0, False
    while index < len(pattern):
        char = pattern[index]
        if escape and char == escape and index + 1 < len(pattern):
            following = pattern[index + 1]
            out.append(following if following.isalnum() else "\\" + following)
            index += 2
            continue
        if in_bracket:
            out.append(char)
            in_bracket = char != "]"
        elif char == "[":
            out.append(char)
            in_bracket = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        elif char in ".^$\\":
            out.append("\\" + char)
        else:
            out.append(char)
        index += 1
    return "^(?:" + "".join(out) + ")$"


def _similar_to(node: exp.Expression) -> exp.Expression | None:
    """`s SIMILAR TO 'pattern' [ESCAPE 'c']` with a constant pattern: DuckDB's SIMILAR TO is a plain regex match."""
    escape: str | None = "\\"
    similar = node
    if isinstance(node, exp.Escape):
        if not isinstance(node.this, exp.SimilarTo) or not (isinstance(node.expression, exp.Literal)
                                                             and node.expression.is_string):
            return None
        similar, escape = node.this, node.expression.this or None
    if not isinstance(similar, exp.SimilarTo):
        return None
    pattern = similar.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    return exp.Anonymous(this="regexp_full_match", expressions=[
        _fixed(similar.this), exp.Literal.string(similar_to_regex(pattern.this, escape))])


def _interval_text(node: exp.Cast) -> exp.Expression | None:
    """interval::text prints PostgreSQL's interval output (3 mons, 1 day 02:00:00), not DuckDB's (3 months)."""
    if not node.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR) or node.to.expressions:
        return None
    known = type_resolution.known_type(node.this)
    if known is None or known.this != exp.DataType.Type.INTERVAL:
        return None
    return exp.Anonymous(this="__pg_interval_text", expressions=[_fixed(node.this)])


_INTEGER_DIGITS = {exp.DataType.Type.SMALLINT: 5, exp.DataType.Type.INT: 10, exp.DataType.Type.BIGINT: 19}


def _exact_numeric_type(operand: exp.Expression) -> exp.DataType | None:
    """x::numeric keeps the value's digits: an integer (or div()'s integral quotient) has scale 0, a numeric(p,s)
    its own scale (DuckDB's unconstrained DECIMAL is (18,3): 10.000, 123.460)."""
    if isinstance(operand, exp.IntDiv):
        return exp.DataType.build("DECIMAL(38, 0)", dialect="duckdb")
    known = type_resolution.known_type(operand)
    if known is None:
        return None
    if known.this in _INTEGER_DIGITS:
        return exp.DataType.build(f"DECIMAL({_INTEGER_DIGITS[known.this]}, 0)", dialect="duckdb")
    if known.this == exp.DataType.Type.DECIMAL and known.expressions:
        return known.copy()
    return None


def _json_text(value: exp.Expression) -> exp.Expression:
    """A value's JSON text as DuckDB's to_json writes it (VARCHAR; NULL stays NULL)."""
    return exp.Cast(this=exp.Anonymous(this="to_json", expressions=[_fixed(value)]),
                    to=exp.DataType.build("VARCHAR"))


def _varchar_list(items: list[exp.Expression]) -> exp.Expression:
    return exp.Cast(this=exp.Array(expressions=items), to=exp.DataType.build("VARCHAR[]", dialect="duckdb"))


def _json_constructor(node: exp.Expression) -> exp.Expression | None:
    """json_build_object/array (and the jsonb ones), to_jsonb, json_agg/jsonb_agg in PostgreSQL's json text:
    `{"a" : 1, "b" : "two"}`, `[1, "x", null]` (jsonb values are re-normalised on output, pgserver.types.json)."""
    from pgserver.errors import INVALID_PARAMETER_VALUE, PgError

    name = _function_name(node)
    as_json = exp.DataType.build("JSON", dialect="duckdb")
    if isinstance(node, exp.Anonymous) and name in ("json_build_object", "jsonb_build_object"):
        arguments = list(node.expressions)
        if len(arguments) % 2:
            raise PgError(INVALID_PARAMETER_VALUE, "argument list must have even number of elements",
                          hint=f"The arguments of {name}() must consist of alternating keys and values.")
        keys = [exp.Cast(this=_fixed(k), to=exp.DataType.build("VARCHAR")) for k in arguments[0::2]]
        values = [_json_text(v) for v in arguments[1::2]]
        call = exp.Anonymous(this="__pg_json_object", expressions=[_varchar_list(keys), _varchar_list(values)])
        return exp.Cast(this=call, to=as_json)
    if isinstance(node, exp.Anonymous) and name in ("json_build_array", "jsonb_build_array"):
        call = exp.Anonymous(this="__pg_json_array", expressions=[_varchar_list([_json_text(v) for v in node.expressions])])
        return exp.Cast(this=call, to=as_json)
    if isinstance(node, exp.Anonymous) and name == "to_jsonb" and len(node.expressions) == 1:
        return exp.Anonymous(this="to_json", expressions=[_fixed(node.expressions[0])])
    aggregated = node.this if isinstance(node, exp.JSONArrayAgg) else (
        node.expressions[0] if isinstance(node, exp.Anonymous) and name == "jsonb_agg" and len(node.expressions) == 1
        else None)
    if aggregated is not None and not isinstance(aggregated, exp.Distinct) \
            and not isinstance(node.parent, exp.Window | exp.Filter):
        order = aggregated if isinstance(aggregated, exp.Order) else None  # json_agg(x ORDER BY y)
        value = order.this if order is not None else aggregated
        element = exp.Coalesce(this=_json_text(value), expressions=[exp.Literal.string("null")])
        separator: exp.Expression = exp.Literal.string(", ")
        if order is not None:  # string_agg(element, ', ' ORDER BY y): DuckDB's aggregate ORDER BY
            separator = exp.Order(this=separator, expressions=[_fixed(o) for o in order.expressions])
        joined = exp.Anonymous(this="string_agg", expressions=[element, separator])
        text = exp.DPipe(this=exp.DPipe(this=exp.Literal.string("["), expression=joined), expression=exp.Literal.string("]"))
        return exp.Cast(this=text, to=as_json)
    return None


_DOMAIN_CHECKED = "pg_domain_checked"
_BIGINT_SUM = "pg_bigint_sum"
_NAN_CHECKED = "pg_nan_checked"
_VALUE_SCALES = "pg_value_scales"
_STEP_CHECKED = "pg_step_checked"
_SERIES_ELEMENTS = (exp.DataType.Type.INT, exp.DataType.Type.BIGINT)
STEP_IS_ZERO = "step size cannot equal zero"


def _series_table(node: exp.Subquery) -> exp.Expression | None:
    """`FROM generate_series(a, b [, step])` of integers with arguments that read no column: DuckDB's table
    function, not the grammar's general form — UNNEST of the list-valued generate_series, which builds the whole
    list first (185 ms against 3 ms per million rows). The subquery keeps its alias and column name."""
    select = node.this
    if not isinstance(select, exp.Select) or len(select.expressions) != 1 \
            or any(select.args.get(k) for k in ("from", "joins", "where", "group", "having", "order", "limit")):
        return None
    projection = select.expressions[0]
    cast = projection.this.this if isinstance(projection, exp.Alias) and isinstance(projection.this, exp.Explode) \
        else None
    if not isinstance(cast, exp.Cast) or not isinstance(cast.this, exp.GenerateSeries) \
            or cast.to.this != exp.DataType.Type.ARRAY or not cast.to.expressions \
            or cast.to.expressions[0].this not in _SERIES_ELEMENTS or cast.this.args.get("is_end_exclusive"):
        return None
    arguments = [cast.this.args[k] for k in ("start", "end", "step") if cast.this.args.get(k) is not None]
    if any(a.find(exp.Column, exp.Select, exp.Subquery) is not None for a in arguments):
        return None  # a lateral series (generate_series(1, t.n)) keeps the general form
    series = exp.Table(this=exp.Anonymous(this="generate_series", expressions=[
        _fixed(_step_checked(a) if i == 2 else a) for i, a in enumerate(arguments)]),
        alias=exp.TableAlias(this=exp.to_identifier("__series")))
    value = exp.cast(exp.column("generate_series", table="__series"), cast.to.expressions[0].copy())
    return exp.Subquery(this=exp.select(exp.alias_(value, projection.alias, quoted=True)).from_(series),
                        alias=node.args["alias"].copy() if node.args.get("alias") else None)


def _step_checked(step: exp.Expression) -> exp.Expression:
    """generate_series' step, raising PostgreSQL's error for 0 (22023) where DuckDB gives no rows."""
    if _nonzero_constant(step):
        return step
    zero = exp.Sub(this=exp.paren(step.copy()), expression=exp.paren(step.copy()))  # 0 of the step's type (or '0 s')
    guarded = exp.Case(ifs=[exp.If(this=exp.EQ(this=exp.paren(step.copy()), expression=zero),
                                   true=exp.Anonymous(this="error", expressions=[exp.Literal.string(STEP_IS_ZERO)]))],
                       default=step.copy())
    guarded.meta[_STEP_CHECKED] = True
    return guarded


def _jsonb_operator(node: exp.Expression) -> exp.Expression | None:
    """jsonb's @>, <@, ?, ?|, ?& and || as PostgreSQL defines them (sql/run/jsonb_operators.py)."""
    if not isinstance(node, exp.ArrayContainsAll | exp.ArrayContainedBy | exp.DPipe | exp.JSONBContainsTopKey
                      | exp.JSONBContainsAnyTopKeys | exp.JSONBContainsAllTopKeys):
        return None
    left, right = node.this, node.expression
    if not isinstance(node, exp.JSONBContainsTopKey | exp.JSONBContainsAnyTopKeys | exp.JSONBContainsAllTopKeys) \
            and not (type_resolution.is_jsonb(left) or type_resolution.is_jsonb(right)):
        return None

    def text(operand: exp.Expression) -> exp.Expression:
        return exp.cast(_fixed(operand), exp.DataType.build("VARCHAR"))

    if isinstance(node, exp.ArrayContainedBy):
        left, right = right, left
    if isinstance(node, exp.ArrayContainsAll | exp.ArrayContainedBy):
        return exp.Anonymous(this=jsonb_operators.CONTAINS, expressions=[text(left), text(right)])
    if isinstance(node, exp.DPipe):
        return exp.Anonymous(this=jsonb_operators.CONCAT, expressions=[text(left), text(right)])
    if isinstance(node, exp.JSONBContainsTopKey):
        return exp.Anonymous(this=jsonb_operators.EXISTS, expressions=[text(left), text(right)])
    keys = exp.cast(_fixed(right), exp.DataType.build("VARCHAR[]", dialect="duckdb"))
    function = jsonb_operators.EXISTS_ANY if isinstance(node, exp.JSONBContainsAnyTopKeys) else jsonb_operators.EXISTS_ALL
    return exp.Anonymous(this=function, expressions=[text(left), keys])


def _nonzero_constant(node: exp.Expression) -> bool:
    """A numeric literal other than zero (its division needs no check)."""
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    if isinstance(node, exp.Neg):
        node = node.this
    try:
        return isinstance(node, exp.Literal) and not node.is_string and float(node.this) != 0
    except ValueError:
        return False


def _domain_checked(node: exp.Expression) -> exp.Expression:
    """sqrt(-1), ln(0) of double precision: PostgreSQL's errors (2201F, 2201E), where DuckDB answers NaN or
    -Infinity (pgserver.sql.run.duckdb_errors reads the messages back into their SQLSTATEs)."""
    argument = node.expression if isinstance(node, exp.Log) and node.args.get("expression") is not None else node.this
    call = node.copy()
    call.meta[_DOMAIN_CHECKED] = True
    fixed = _fixed(call)
    operand = _fixed(argument)
    if isinstance(node, exp.Sqrt):
        checks = [(exp.LT(this=operand, expression=exp.Literal.number(0)), "cannot take square root of a negative number")]
    else:
        checks = [(exp.EQ(this=operand, expression=exp.Literal.number(0)), "cannot take logarithm of zero"),
                  (exp.LT(this=operand.copy(), expression=exp.Literal.number(0)),
                   "cannot take logarithm of a negative number")]
    return exp.Case(ifs=[exp.If(this=condition, true=exp.Anonymous(this="error", expressions=[
        exp.Literal.string(message)])) for condition, message in checks], default=fixed)


def _positive_literal(node: exp.Expression) -> bool:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit() and int(node.this) >= 1


def _substring(node: exp.Substring) -> exp.Expression | None:
    """substring(s, start [, count]) with a start below 1: PostgreSQL counts the characters from position `start`
    (so fewer of them are left to take), DuckDB from the end of the string (substr('abcdef', -1, 3) is 'a', not
    'f'). A negative count keeps its error."""
    start = node.args.get("start")
    if start is None or _positive_literal(start):
        return None
    text, first = _fixed(node.this), exp.Greatest(this=_fixed(start), expressions=[exp.Literal.number(1)])
    length = node.args.get("length")
    if length is None:
        return exp.Substring(this=text, start=first)
    count = _fixed(length)
    taken = exp.Greatest(this=exp.Sub(this=exp.Add(this=_fixed(start), expression=count.copy()), expression=first.copy()),
                         expressions=[exp.Literal.number(0)])
    guarded = exp.Case(ifs=[exp.If(this=exp.LT(this=count.copy(), expression=exp.Literal.number(0)), true=count.copy())],
                       default=taken)
    return exp.Substring(this=text, start=first, length=guarded)


def _int4_operand(node: exp.Expression) -> bool:
    """Whether the tree shows `node` is an int4 or int2 (an integer literal of that range, a cast to one)."""
    inner = node.this if isinstance(node, exp.Neg | exp.Paren) else node
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.this.isdigit():
        return int(inner.this) < 2**31
    return isinstance(inner, exp.Cast) and inner.to.is_type(exp.DataType.Type.INT, exp.DataType.Type.SMALLINT)


_COMPARED = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)


def _bpchar_comparison(node: exp.Expression) -> exp.Expression | None:
    """`x::char(n) = 'a  '`: the string literal takes bpchar, whose trailing spaces do not count (PostgreSQL's
    bpchareq); the char(n) side is already without them (_sized_text)."""
    def is_char(side: exp.Expression) -> bool:
        return isinstance(side, exp.Cast) and side.to.is_type(exp.DataType.Type.CHAR)

    left, right = node.this, node.expression
    for char_side, other in ((left, right), (right, left)):
        if is_char(char_side) and isinstance(other, exp.Literal) and other.is_string and other.this != other.this.rstrip(" "):
            compared = node.copy()
            compared.set("this" if other is left else "expression", exp.Literal.string(other.this.rstrip(" ")))
            return compared.transform(_fix_node, copy=False)
    return None


def _string_agg_separator(node: exp.GroupConcat) -> exp.Expression | None:
    """string_agg(x, NULL) joins with nothing in PostgreSQL (DuckDB's answer is NULL)."""
    separator = node.args.get("separator")
    while isinstance(separator, exp.Cast | exp.Paren):
        separator = separator.this
    if not isinstance(separator, exp.Null):  # DuckDB takes only a constant separator: other ones stay its error
        return None
    joined = node.copy()
    joined.set("this", _fixed(node.this))
    joined.set("separator", exp.Literal.string(""))
    return joined


def _pg_function(node: exp.Expression) -> exp.Expression | None:
    """PostgreSQL functions DuckDB has under the same name with another meaning, or lacks (pgfunctions' UDFs):
    - regexp_matches(s, p [, flags]): PostgreSQL's set of text[] matches (DuckDB's answers a boolean);
    - encode(bytea, format) / decode(text, format): base64, hex, escape (sqlglot reads the format as a charset,
      and DuckDB's encode/decode convert text and blob);
    - convert_to(text, encoding) / convert_from(bytea, encoding);
    - num_nulls(…) / num_nonnulls(…)."""
    if isinstance(node, exp.Hex) and _int4_operand(node.this):  # to_hex(int4): 32 bits, -1 is ffffffff
        masked = exp.BitwiseAnd(this=exp.Cast(this=_fixed(node.this), to=exp.DataType.build("BIGINT")),
                                expression=exp.Literal.number(2**32 - 1))
        return exp.Lower(this=exp.Hex(this=masked))
    if isinstance(node, exp.GroupConcat) and (joined := _string_agg_separator(node)) is not None:
        return joined
    if isinstance(node, exp.Encode | exp.Decode) and node.args.get("charset") is not None:
        name = "__pg_encode" if isinstance(node, exp.Encode) else "__pg_decode"
        return exp.Anonymous(this=name, expressions=[_fixed(node.this), _fixed(node.args["charset"])])
    if not isinstance(node, exp.Anonymous):
        return None
    name, args = str(node.this).lower(), [_fixed(a) for a in node.expressions]
    if name == "regexp_matches" and len(args) in (2, 3):
        flags = args[2] if len(args) == 3 else exp.Literal.string("")
        return exp.Explode(this=exp.Anonymous(this="__pg_regexp_matches", expressions=[*args[:2], flags]))
    if name in ("convert_to", "convert_from") and len(args) == 2:
        return exp.Anonymous(this=f"__pg_{name}", expressions=args)
    if name in ("num_nulls", "num_nonnulls") and args:
        counted = [exp.If(this=exp.Is(this=a, expression=exp.Null()) if name == "num_nulls"
                          else exp.Not(this=exp.Is(this=a, expression=exp.Null())), true=exp.Literal.number(1))
                   for a in args]
        total = exp.Case(ifs=[counted[0]], default=exp.Literal.number(0))
        for branch in counted[1:]:
            total = exp.Add(this=total, expression=exp.Case(ifs=[branch], default=exp.Literal.number(0)))
        return exp.Cast(this=total, to=exp.DataType.build("INTEGER"))
    return None


# The one column DuckDB is given for an empty select list (`SELECT FROM t`, `EXISTS (SELECT FROM …)`): DuckDB
# refuses a query without columns, PostgreSQL answers its rows with none. Dropped from the result (execution).
NO_COLUMN = "?pg no column?"


def _fix_node(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Select) and not node.expressions:  # its operands are still visited: same node
        node.set("expressions", [exp.alias_(exp.null(), NO_COLUMN, quoted=True)])
        return node
    if isinstance(node, exp.Subquery) and (series := _series_table(node)) is not None:
        return series
    if isinstance(node, exp.GenerateSeries) and node.args.get("step") is not None \
            and not node.args["step"].meta.get(_STEP_CHECKED) and not _nonzero_constant(node.args["step"]):
        checked = node.copy()
        checked.set("step", _step_checked(_fixed(node.args["step"])))
        return checked
    if (replaced := _pg_function(node)) is not None:
        return replaced
    if isinstance(node, exp.Substring) and (substring := _substring(node)) is not None:
        return substring
    if isinstance(node, _COMPARED) and (compared := _bpchar_comparison(node)) is not None:
        return compared
    if isinstance(node, exp.Chr) and len(node.expressions) == 1 and not node.args.get("charset"):
        return exp.Anonymous(this="__pg_chr", expressions=[_fixed(node.expressions[0])])
    if isinstance(node, exp.StringToArray):  # PostgreSQL's empty-string, NULL-delimiter and null_string rules
        return exp.Anonymous(this="__pg_string_to_array", expressions=[
            exp.Cast(this=_fixed(node.this), to=exp.DataType.build("VARCHAR")),
            exp.Cast(this=_fixed(node.expression), to=exp.DataType.build("VARCHAR")),
            exp.Cast(this=_fixed(node.args["null"]) if node.args.get("null") is not None else exp.null(),
                     to=exp.DataType.build("VARCHAR"))])
    if isinstance(node, exp.Anonymous | exp.JSONArrayAgg) and (built := _json_constructor(node)) is not None:
        return built
    if isinstance(node, exp.SimilarTo | exp.Escape) and (similar := _similar_to(node)) is not None:
        return similar
    if isinstance(node, exp.Cast) and (interval := _interval_text(node)) is not None:
        return interval
    if isinstance(node, exp.Cast) and (text := _array_text(node)) is not None:
        return text
    if isinstance(node, exp.JSONBExtract | exp.JSONBExtractScalar) and (path := _json_path(node)) is not None:
        return path
    if isinstance(node, exp.Cast) and (bytea := _bytea_input(node)) is not None:
        return bytea
    if isinstance(node, exp.Cast) and (sized := _sized_text(node)) is not None:
        return sized
    if isinstance(node, exp.Cast) and (local := _time_of_timestamptz(node)) is not None:
        return local
    if isinstance(node, exp.Cast) and (rounded := _rounded_timestamp(node)) is not None:
        return rounded
    if isinstance(node, exp.Cast) and pg_numeric.is_unconstrained_numeric(node.to):
        exact = pg_numeric.literal_numeric_type(node.this) or _exact_numeric_type(node.this)
        if exact is not None:
            return exp.Cast(this=_fixed(node.this), to=exact)
        root = bool(node.meta.get(pg_numeric.ROOT_OUTPUT))
        if pg_numeric.reads_numeric_text(node) and (root or pg_numeric.is_text(node.this)):
            return pg_numeric.exact_numeric_text(_fixed(node.this), root)
    if isinstance(node, exp.Literal) and not node.is_string and "e" in node.this.lower() \
            and not (isinstance(node.parent, exp.Cast) and pg_numeric.is_unconstrained_numeric(node.parent.to)):
        exact = pg_numeric.literal_numeric_type(node)  # 1e3 is a numeric constant (4.1.2.6), DuckDB's is a double
        if exact is not None:
            return exp.Cast(this=node.copy(), to=exact)
    if node.meta.get(pg_numeric.ROOT_OUTPUT) and pg_numeric.keeps_value_scales(node) \
            and not node.meta.get(_VALUE_SCALES):
        call = node.copy()
        call.meta[_VALUE_SCALES] = True
        return pg_numeric.exact_values(node, _fixed(call))
    if pg_numeric.computes_exactly(node):
        operands = [node.this] + ([node.expression] if node.args.get("expression") is not None else [])
        return pg_numeric.exact_transcendental(node, [_fixed(o) for o in operands],
                                               bool(node.meta.get(pg_numeric.ROOT_OUTPUT)))
    if isinstance(node, exp.Sqrt | exp.Ln | exp.Log) and not node.meta.get(_DOMAIN_CHECKED):
        return _domain_checked(node)
    jsonb = _jsonb_operator(node)
    if jsonb is not None:
        return jsonb
    if isinstance(node, exp.Div) and pg_numeric.is_float(node.left) and not node.meta.get(_NAN_CHECKED) \
            and not _nonzero_constant(node.right):
        # float8div: NaN / 0 is NaN, any other x / 0 division by zero (DuckDB raises for every x)
        division = node.copy()
        division.meta[_NAN_CHECKED] = True
        left = _fixed(node.left)
        return exp.Case(ifs=[exp.If(this=exp.and_(exp.Anonymous(this="isnan", expressions=[left.copy()]),
                                                  exp.EQ(this=_fixed(node.right), expression=exp.Literal.number(0))),
                                    true=left)], default=_fixed(division))
    if isinstance(node, exp.Div) and pg_numeric.is_numeric_division(node):
        return pg_numeric.exact_division(_fixed(node.left), _fixed(node.right), bool(node.meta.get(pg_numeric.ROOT_OUTPUT)))
    if isinstance(node, exp.Round) and node.args.get("decimals") is None and pg_numeric.is_float(node.this):
        # round(double precision) rounds half to even in PostgreSQL (rint); DuckDB's round() half away from zero
        return exp.Anonymous(this="round_even", expressions=[_fixed(node.this), exp.Literal.number(0)])
    if pg_numeric.windowed_average(node):  # sum() OVER (…) / count() OVER (…) by PostgreSQL's division
        def over(aggregate: exp.Expression) -> exp.Expression:
            window = node.copy()
            window.set("this", aggregate)
            return _fixed(window)

        argument = node.this.this
        return pg_numeric.exact_division(over(exp.Sum(this=argument.copy())), over(exp.Count(this=argument.copy())),
                                         bool(node.meta.get(pg_numeric.ROOT_OUTPUT)))
    if isinstance(node, exp.Window | exp.Filter) and not node.meta.get(_BIGINT_SUM) \
            and not (isinstance(node, exp.Filter) and isinstance(node.parent, exp.Window)):
        aggregate = node.this.this if isinstance(node.this, exp.Filter) else node.this
        if isinstance(aggregate, exp.Sum) and pg_numeric.sums_int4(aggregate):  # a window/FILTER sum of int4: bigint
            call = node.copy()
            call.meta[_BIGINT_SUM] = True
            return exp.cast(_fixed(call), exp.DataType.build("BIGINT"))
    if isinstance(node, exp.Sum) and pg_numeric.sums_to_bigint(node):
        return exp.cast(exp.Sum(this=_fixed(node.this)), exp.DataType.build("BIGINT"))
    if isinstance(node, exp.Avg) and pg_numeric.averages_exactly(node):
        argument = node.this
        return pg_numeric.exact_division(exp.Sum(this=_fixed(argument)), exp.Count(this=_fixed(argument)),
                                         bool(node.meta.get(pg_numeric.ROOT_OUTPUT)))
    if pg_numeric.spreads_exactly(node):
        return pg_numeric.exact_spread(node, _fixed(node.this), bool(node.meta.get(pg_numeric.ROOT_OUTPUT)))
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) \
            and node.this.name.lower() == "pg_catalog" and isinstance(node.expression, exp.Func):
        return _fix_node(node.expression.copy())
    if isinstance(node, exp.Like | exp.ILike) and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
    if _function_name(node) == "format":
        arguments = ([node.this] if isinstance(node, exp.Format) else []) + list(node.expressions)
        if arguments:  # PostgreSQL's format() (%s %I %L, positions, widths): pgfunctions.pg_format
            values = exp.Array(expressions=[exp.Cast(this=_any_argument(a), to=exp.DataType.build("VARCHAR"))
                                            for a in arguments[1:]])
            return exp.Anonymous(this="__pg_format", expressions=[
                exp.Cast(this=_fixed(arguments[0]), to=exp.DataType.build("VARCHAR")), values])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "octet_length" and len(node.expressions) == 1:
        argument = node.expressions[0]
        padded = _sized_text(argument, padded=True) if isinstance(argument, exp.Cast) else None  # octet_length(character)
        return exp.Anonymous(this="strlen", expressions=[padded if padded is not None else _fixed(argument)])
    if isinstance(node, exp.Hex) and not isinstance(node.parent, exp.Lower):
        return exp.Lower(this=node.copy())
    if isinstance(node, tuple(_CLOCK_CALLS)) and not node.this:  # DuckDB's bare keyword would bind to a result
        # alias of the same name (CURRENT_TIMESTAMP AS "current_timestamp": a circular reference)
        return exp.Anonymous(this=_CLOCK_CALLS[type(node)], expressions=[])
    if type(node).__name__ in {"SessionUser", "CurrentUser"}:
        return exp.Anonymous(this="current_user", expressions=[])
    if isinstance(node, exp.Column) and not node.table and node.name.lower() in {"user", "session_user"} \
            and not node.this.quoted:
        return exp.Anonymous(this="current_user", expressions=[])
    return node
