"""PostgreSQL's type-resolution rules (manual chapter 10, "Type Conversion") where DuckDB's differ.

Applied to the resolved query tree just before it is written as DuckDB SQL, by inserting the casts
PostgreSQL's resolution implies, so DuckDB computes values of PostgreSQL's types (and the result
columns are described with them):

- **Constants** (10.1): an integer literal is int4 when it fits, else int8, else numeric; DuckDB's
  adaptive INTEGER_LITERAL would take a smallint operand's type (PostgreSQL: 7 + 2::int2 is int4).
- **Unknown literals and NULL in operators** (10.2): a string literal or NULL opposite an operand of a
  known type takes that type (3.5 + '4' is numeric, DuckDB would read the string as a double).
- **UNION, CASE, VALUES and related constructs** (10.5): the inputs' types resolve as select_common_type
  does (pgserver.catalog.expr_types.common_type); unknown literals take the chosen type, inputs of
  different categories are 42804 (`CASE types integer and boolean cannot be matched`).
- **Function results** (10.3): a function whose every pg_proc overload returns the same int2, int4 or
  float8 type returns it here too (length() is int4, date_part() float8; DuckDB answers BIGINT/DOUBLE).
- **Numeric function overloads** (10.3): a pg_catalog function over numbers (round, trunc, sign, power …)
  whose arguments' types the tree states is resolved among pg_proc's overloads as PostgreSQL does (exact
  match, then implicit coercions, then preferred types); its arguments are cast to the chosen parameter
  types and a non-numeric result to the chosen result type (round(7) is double precision, round(7, 1)
  numeric with scale 1).
- **Array concatenation** (9.19): `array || array`, `array || element`, `element || array`; a NULL operand
  is an empty side, as array_cat treats it (DuckDB's `||` would answer NULL or refuse an element).
- **Comparisons** with operands of stated types no operator takes (integer = text, also inside ANY/ALL)
  are 42883, as PostgreSQL's operator lookup answers.
- **Explicit casts** (10.2, CREATE CAST): allowed between equal types, where pg_cast has the pair, to and
  from string types (I/O conversion) and between arrays whose elements cast; else 42846 as PostgreSQL
  says it (DuckDB casts true to int2 and 4.5 to boolean).
- **pg_typeof(x)** names the type resolution gave x (regtype output: integer, numeric, unknown for an
  untyped literal), from the tree where it says, else from DuckDB's type of the value.
- **Explicit casts to varchar(n)/char(n)** truncate (and pad char(n)), as PostgreSQL's explicit casts do.

The types known here come from the tree itself (literals, casts, these function results); anything
else is left to DuckDB, which already agrees for columns of declared types. `scope_types` asks sqlglot's
type annotation (qualify + annotate_types on a copy) for what the tree does not state but its scopes imply —
a derived table's or a set-returning function's column, arithmetic over them (pg_numeric uses it for
`(i % 1000)::numeric` over generate_series); a column of an outer query (a lateral reference) stays unknown.
"""

from __future__ import annotations

import decimal
import functools
import re
from collections.abc import Sequence

from sqlglot import exp

from pgserver.catalog.data import builtin
from pgserver.errors import (
    AMBIGUOUS_FUNCTION,
    CANNOT_COERCE,
    DATATYPE_MISMATCH,
    FEATURE_NOT_SUPPORTED,
    INVALID_TEXT_REPRESENTATION,
    NO_MATCH_HINT,
    NUMERIC_VALUE_OUT_OF_RANGE,
    UNDEFINED_FUNCTION,
    PgError,
)
from pgserver.sql.text.tree_kinds import PresentKinds

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_COMPARISON = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ)
_RESULT_TYPES = {21: "SMALLINT", 23: "INTEGER", 701: "DOUBLE"}  # pg_proc result types DuckDB may widen
_CARRIED = {  # DuckDB types (of a cast target) an unknown operand may safely take
    exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.DECIMAL,
    exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT, exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.INTERVAL, exp.DataType.Type.BOOLEAN,
}


# Argument types a query here can produce (others — geometry, tsvector, bit, network — never reach a call)
_ARGUMENT_TYPES = {16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186,
                   1266, 1700, 2950, 3802, 2276, 2277, 2283, 5077, 5078, 2776, 1009, 1007, 1016, 1005, 1231, 1022}


@functools.cache
def _fixed_result_types() -> dict[str, str]:
    """Function name → DuckDB type, for pg_catalog functions whose overloads (over the argument types a
    query can have here) all return one of _RESULT_TYPES."""
    seen: dict[str, set[int]] = {}
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        if row["prokind"] != "f" or not set(row["proargtypes"] or []) <= _ARGUMENT_TYPES:
            continue
        seen.setdefault(row["proname"], set()).add(row["prorettype"])
    return {name: _RESULT_TYPES[next(iter(oids))] for name, oids in seen.items()
            if len(oids) == 1 and next(iter(oids)) in _RESULT_TYPES}


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        from pgserver.output_names import WRITTEN_NAME

        written = node.meta.get(WRITTEN_NAME)
        return written if isinstance(written, str) else None
    return None


def _is_unknown(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Literal) and node.is_string) or isinstance(node, exp.Null)


def _integer_type(node: exp.Expression) -> str | None:
    """int4/int8 of an integer literal, also negated (None: not one, or numeric)."""
    if isinstance(node, exp.Neg):
        return _integer_type(node.this)
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        value = int(node.this)
        return "INTEGER" if value <= INT4_MAX else "BIGINT" if value <= INT8_MAX else None
    return None


def known_type(node: exp.Expression) -> exp.DataType | None:
    """The type of `node` when the tree says it plainly (a cast, an integer literal, a typed function)."""
    if isinstance(node, exp.Paren):
        return known_type(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Cast):
        return node.this.to  # -3::smallint is -(3::smallint): a smallint
    if isinstance(node, exp.Neg) and not isinstance(node.this, exp.Literal | exp.Neg):
        return None
    if isinstance(node, exp.Neg) and _integer_type(node) is None:
        return known_type(node.this)  # -0.5: numeric as 0.5 is
    if isinstance(node, exp.Cast):
        return node.to
    integer = _integer_type(node)
    if integer is not None:
        return exp.DataType.build(integer)
    if isinstance(node, exp.Literal) and not node.is_string:
        return exp.DataType.build("DECIMAL")
    if isinstance(node, exp.Boolean):
        return exp.DataType.build("BOOLEAN")
    name = _function_name(node)
    if name is not None and name in _fixed_result_types():
        return exp.DataType.build(_fixed_result_types()[name])
    return None


def _cast(node: exp.Expression, to: exp.DataType) -> exp.Expression:
    return exp.Cast(this=node, to=to.copy())


def resolve(tree: exp.Expression) -> exp.Expression:
    """A copy of `tree` with PostgreSQL's resolution made explicit."""
    tree = tree.copy()
    find_all = PresentKinds(tree).find_all  # a pass over node kinds the tree lacks walks nothing
    for cast in list(find_all(exp.Cast)):
        _check_integer_input(cast)
        _check_time_input(cast)
        _check_number_input(cast)
        _interval_input(cast)
        _datetime_input(cast)
        _check_cast_exists(cast)
        boolean = _boolean_input(cast)
        if boolean is not None:
            if cast is tree:
                return boolean
            cast.replace(boolean)
    for node in find_all(exp.Substring):
        length = node.args.get("length")
        if isinstance(length, exp.Neg) and isinstance(length.this, exp.Literal) and not length.this.is_string \
                and length.this.this != "0":
            raise PgError("22011", "negative substring length not allowed")
    for node in find_all(exp.Abs):
        if isinstance(node.this, exp.Literal) and node.this.is_string:  # @ '4': float8, the preferred numeric type
            node.set("this", _cast(node.this.copy(), exp.DataType.build("DOUBLE")))
    for node in find_all(exp.Neg):
        if _is_unknown(node.this):
            raise PgError(AMBIGUOUS_FUNCTION, "operator is not unique: - unknown",
                          hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    for clause in find_all(exp.Where, exp.Having):
        _check_boolean_condition(clause)
    for node in list(find_all(*_ARITHMETIC, *_COMPARISON)):
        _resolve_operands(node)
        if isinstance(node, _COMPARISON):
            _check_comparison(node)
    for node in find_all(exp.Nullif):  # NULLIF(a, b) compares with a = b (transformNullIf)
        _check_comparison(node, "=")
        _nullif_result_type(node)
    for node in find_all(*_ARRAY_OPERATORS):
        _check_array_operator(node)
    for node in reversed(list(find_all(exp.DPipe))):
        replacement = _array_concatenation(node)
        if replacement is not None:
            if node is tree:
                return replacement
            node.replace(replacement)
    for union in list(find_all(exp.SetOperation)):
        _resolve_set_operation(union)
    for node in list(find_all(exp.Case, exp.Coalesce, exp.Greatest, exp.Least, exp.Values)):
        _resolve_construct(node)
    for node in reversed(list(find_all(exp.Sub))):
        if _is_date(node.left) and _is_date(node.right) and not isinstance(node.parent, exp.Cast):
            cast = _cast(node.copy(), exp.DataType.build("INTEGER"))  # date - date is integer days (DuckDB: bigint)
            if node is tree:
                return cast
            node.replace(cast)
    for node in reversed(list(find_all(exp.Mul, exp.Div))):
        replacement = _interval_scaling(node)
        if replacement is not None:
            if node is tree:
                return replacement
            node.replace(replacement)
    for node in reversed(list(find_all(exp.Div))):
        replacement = _integer_division(node)
        if replacement is not None:
            if node is tree:
                return replacement
            node.replace(replacement)
    for node in reversed(list(find_all(exp.Extract, exp.DateTrunc, exp.TimestampTrunc))):
        replacement = _extract(node) if isinstance(node, exp.Extract) else _date_trunc(node)
        if replacement is not None:
            if node is tree:
                return replacement
            node.replace(replacement)
    for node in list(find_all(exp.Anonymous)):
        if str(node.this).lower() == "pg_typeof" and len(node.expressions) == 1:
            typed = _pg_typeof(node.expressions[0], as_oid=isinstance(node.parent, _COMPARISONS))
            if node is tree:
                return typed
            node.replace(typed)
    for node in find_all(exp.Func):
        _check_polymorphic_call(node)
    for node in reversed(list(find_all(exp.Func))):  # innermost first
        replacement = _resolve_numeric_overload(node)
        if replacement is not None:
            if node is tree:
                return replacement
            node.replace(replacement)
    for node in reversed(list(find_all(exp.Func))):  # innermost first: outer copies keep inner casts
        name = _function_name(node)
        if name is not None and name in _fixed_result_types() and not isinstance(node.parent, exp.Cast):
            cast = _cast(node.copy(), exp.DataType.build(_fixed_result_types()[name]))
            if node is tree:
                return cast
            node.replace(cast)
    return tree


_INTEGER_INPUT = {exp.DataType.Type.SMALLINT: ("smallint", 2**15), exp.DataType.Type.INT: ("integer", 2**31),
                  exp.DataType.Type.BIGINT: ("bigint", 2**63)}


def _check_time_input(cast: exp.Cast) -> None:
    """'2024-02-29'::time is an error in PostgreSQL (a time needs its time-of-day fields); DuckDB reads midnight.
    '102030'::time is 10:20:30 there, an error in DuckDB.
    A time literal is read by time_in's rules (pgserver.types.datetime); what they refuse is refused here, in
    PostgreSQL's words (a value Python cannot hold, 0A000, is left to DuckDB)."""
    from pgserver.types.datetime import parse_time

    literal = cast.this
    if cast.to.this != exp.DataType.Type.TIME or not (isinstance(literal, exp.Literal) and literal.is_string):
        return
    try:
        value = parse_time(literal.this)
    except PgError as error:
        if error.sqlstate != FEATURE_NOT_SUPPORTED:
            raise
        return
    literal.replace(exp.Literal.string(value.isoformat()))  # '102030', 'allballs': in the form DuckDB reads


def _check_integer_input(cast: exp.Cast) -> None:
    """'4.2'::int is an error in PostgreSQL (int4in accepts only an optionally signed integer between
    spaces); DuckDB would round it. Checked here for literals, where the client wrote the text."""
    target = _INTEGER_INPUT.get(cast.to.this)
    literal = cast.this
    if target is None or not isinstance(literal, exp.Literal) or not literal.is_string:
        return
    name, bound = target
    text = literal.this
    if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
        raise PgError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type {name}: "{text}"')
    if not -bound <= int(text) < bound:
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f'value "{text}" is out of range for type {name}')


@functools.cache
def _pg_casts() -> frozenset[tuple[int, int]]:
    """(source, target) of every cast pg_cast declares, in any context."""
    return frozenset((row["castsource"], row["casttarget"]) for row in builtin().rows_as_dicts("pg_catalog.pg_cast"))


def _pg_type(data_type: exp.DataType) -> int | None:
    from pgserver import types as pgtypes

    try:
        return pgtypes.type_for_sql(data_type.sql(dialect="postgres"))[0].oid
    except (PgError, KeyError, ValueError):
        return None


def _castable(source: int, target: int) -> bool:
    from pgserver import types as pgtypes

    if source == target or (source, target) in _pg_casts():
        return True
    source_type, target_type = pgtypes.find_by_oid(source), pgtypes.find_by_oid(target)
    if source_type is None or target_type is None or "S" in (source_type.category, target_type.category):
        return True  # I/O conversion to or from a string type (or a type this check does not know)
    if source_type.is_array and target_type.is_array:
        return _castable(source_type.elem_oid, target_type.elem_oid)
    return False


@functools.cache
def _plain_overloads() -> dict[tuple[str, int], list[tuple[tuple[int, ...], int]]]:
    """(name, arity) -> [(argument types, result type)] of pg_proc's plain (non-variadic) functions."""
    out: dict[tuple[str, int], list[tuple[tuple[int, ...], int]]] = {}
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        arguments = tuple(row["proargtypes"] or [])
        if row["prokind"] == "f" and not row.get("provariadic") and arguments:
            out.setdefault((row["proname"], len(arguments)), []).append((arguments, row["prorettype"]))
    return out


@functools.cache
def _numeric_overloads() -> dict[tuple[str, int], list[tuple[tuple[int, ...], int]]]:
    """(name, arity) -> [(argument types, result type)] of pg_proc's plain functions over numeric-category types."""
    from pgserver import types as pgtypes

    def numeric(oid: int) -> bool:
        found = pgtypes.find_by_oid(oid)
        return found is not None and found.category == "N" and oid in _RESULT_DUCK_TYPES

    numeric_only = {key: [(args, r) for args, r in found if numeric(r) and all(numeric(a) for a in args)]
                    for key, found in _plain_overloads().items()}
    return {key: found for key, found in numeric_only.items() if found}


# generate_series over date/time values: PostgreSQL has timestamp and timestamptz forms; a date argument takes
# the preferred timestamptz one (func_select_candidate), which DuckDB would resolve to timestamp
_SERIES_DUCK_TYPES = {1114: "TIMESTAMP", 1184: "TIMESTAMPTZ", 1186: "INTERVAL"}


_RESULT_DUCK_TYPES = {21: "SMALLINT", 23: "INTEGER", 20: "BIGINT", 700: "FLOAT", 701: "DOUBLE", 1700: "DECIMAL"}


def _arguments(node: exp.Func) -> list[exp.Expression]:
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    out: list[exp.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        out.extend(value if isinstance(value, list) else [value] if isinstance(value, exp.Expression) else [])
    return out


def _viable(inputs: list[int | None], candidates: list[tuple[tuple[int, ...], int]]) -> list[tuple[tuple[int, ...], int]]:
    """The candidates whose parameters take these inputs as they are or by an implicit cast (unknown: any)."""
    from pgserver.catalog.expr_types import implicit_casts

    return [c for c in candidates
            if all(i is None or i == a or (i, a) in implicit_casts() for i, a in zip(inputs, c[0], strict=True))]


def _choose_overload(inputs: list[int | None],
                     candidates: list[tuple[tuple[int, ...], int]]) -> tuple[tuple[int, ...], int] | None:
    """func_select_candidate (parse_func.c) for inputs of known or unknown (None) type."""
    from pgserver import types as pgtypes

    exact = [c for c in candidates if list(c[0]) == inputs]
    if exact:
        return exact[0]
    viable = _viable(inputs, candidates)
    if len(viable) > 1:
        most = max(sum(i == a for i, a in zip(inputs, c[0], strict=True)) for c in viable)
        viable = [c for c in viable if sum(i == a for i, a in zip(inputs, c[0], strict=True)) == most]
    if len(viable) > 1:
        def preferred(candidate: tuple[tuple[int, ...], int]) -> int:
            return sum(1 for i, a in zip(inputs, candidate[0], strict=True)
                       if i != a and (found := pgtypes.find_by_oid(a)) is not None and found.preferred)
        most = max(preferred(c) for c in viable)
        viable = [c for c in viable if preferred(c) == most]
    return viable[0] if len(viable) == 1 else None


def _resolve_numeric_overload(node: exp.Func) -> exp.Expression | None:
    from pgserver import types as pgtypes

    name = _function_name(node) if not isinstance(node, exp.Cast) else None
    if isinstance(node, exp.GenerateSeries):
        name = "generate_series"  # also when the grammar rebuilt it (FROM generate_series(…) → unnest(…))
    if name is None or isinstance(node.parent, exp.Cast):
        return None
    arguments = _arguments(node)
    candidates = _numeric_overloads().get((name, len(arguments)))
    if not candidates:
        return None
    every = _plain_overloads()[(name, len(arguments))]
    inputs: list[int | None] = []
    for argument in arguments:
        if _is_unknown(argument):
            inputs.append(None)
            continue
        known = known_type(argument)
        oid = _pg_type(known) if known is not None else None
        if oid is None:
            return None
        inputs.append(oid)
    chosen = _choose_overload(inputs, candidates)
    if chosen is None and None not in inputs and not _viable(inputs, every):
        # every argument's type is known and no overload takes them: round(double precision, integer)
        shown = ", ".join(pgtypes.format_type(oid) for oid in inputs if oid is not None)
        raise PgError(UNDEFINED_FUNCTION, f"function {name}({shown}) does not exist", hint=NO_MATCH_HINT)
    if chosen is None and name == "generate_series":
        series = _choose_overload(inputs, [c for c in every if set(c[0]) <= set(_SERIES_DUCK_TYPES)])
        for argument, given, wanted in zip(arguments, inputs, series[0] if series else (), strict=False):
            if given != wanted:
                argument.replace(_cast(argument.copy(), exp.DataType.build(_SERIES_DUCK_TYPES[wanted])))
        return None
    if chosen is None:
        return None
    parameters, result = chosen
    for argument, given, wanted in zip(arguments, inputs, parameters, strict=True):
        if given != wanted:
            argument.replace(_cast(argument.copy(), exp.DataType.build(_RESULT_DUCK_TYPES[wanted])))
    if result != 1700:
        duck_type = _RESULT_DUCK_TYPES[result]
        # generate_series, PostgreSQL's one numeric set-returning function, is a list-valued function in DuckDB
        # (the grammar unnests it); in FROM as DuckDB's table function it is left alone
        if name == "generate_series" and isinstance(node.parent, exp.Table):
            return None
        projected = isinstance(node.parent, exp.Select) or (isinstance(node.parent, exp.Alias)
                                                            and isinstance(node.parent.parent, exp.Select))
        listed = name == "generate_series" and not projected  # sqlglot unnests a projected one itself
        return _cast(node.copy(), exp.DataType.build(f"{duck_type}[]" if listed else duck_type, dialect="duckdb"))
    scale = arguments[1] if name in ("round", "trunc") and len(arguments) == 2 else None
    if isinstance(scale, exp.Literal) and not scale.is_string and scale.this.isdigit() and int(scale.this) <= 30:
        return _cast(node.copy(), exp.DataType.build(f"DECIMAL(38, {scale.this})"))  # its scale is the argument
    if name == "sign":
        return _cast(node.copy(), exp.DataType.build("DECIMAL(1, 0)"))  # -1, 0 or 1 (DuckDB: TINYINT)
    return None


@functools.cache
def _jsonb_functions() -> frozenset[str]:
    """pg_catalog functions whose every overload returns jsonb (to_jsonb, jsonb_build_object, jsonb_agg …)."""
    results: dict[str, set[int]] = {}
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        results.setdefault(row["proname"], set()).add(row["prorettype"])
    return frozenset(name for name, types in results.items() if types == {3802})


def is_jsonb(node: exp.Expression) -> bool:
    """Whether PostgreSQL types `node` jsonb: a jsonb cast, a jsonb function, -> / #> on a jsonb value."""
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.JSONB
    if isinstance(node, exp.JSONExtract | exp.JSONBExtract):
        return is_jsonb(node.this)
    if isinstance(node, exp.DPipe):  # jsonb || jsonb (an unknown literal on one side takes jsonb)
        return is_jsonb(node.this) or is_jsonb(node.expression)
    name = _function_name(node)
    return name is not None and name in _jsonb_functions()


def is_array(node: exp.Expression) -> bool:
    """Whether the tree says `node` is an array (ARRAY[…], a cast to an array type)."""
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Array):
        return True
    known = known_type(node)
    return known is not None and known.this == exp.DataType.Type.ARRAY


def _array_concatenation(node: exp.DPipe) -> exp.Expression | None:
    left, right = node.this, node.expression
    left_array, right_array = is_array(left), is_array(right)
    if left_array and (right_array or isinstance(right, exp.Null)):
        return exp.Anonymous(this="list_concat", expressions=[left, right])
    if right_array and isinstance(left, exp.Null):
        return exp.Anonymous(this="list_concat", expressions=[left, right])
    if left_array and known_type(right) is not None:
        return exp.Anonymous(this="list_append", expressions=[left, right])
    if right_array and known_type(left) is not None:
        return exp.Anonymous(this="list_prepend", expressions=[left, right])
    return None


_OPERATOR_NAMES = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}


def _compared_type(node: exp.Expression) -> int | None:
    """The stated type of a comparison operand (the element type under ANY/ALL)."""
    if isinstance(node, exp.Any | exp.All):
        array = node.this.this if isinstance(node.this, exp.Paren) else node.this
        if isinstance(array, exp.Array) and array.expressions and all(_is_unknown(e) for e in array.expressions) \
                and any(isinstance(e, exp.Literal) for e in array.expressions):
            return 25  # ARRAY['a', 'b']: unknown elements resolve to text
        known = known_type(array)
        if known is None or known.this != exp.DataType.Type.ARRAY or not known.expressions:
            return None
        element = known.expressions[0]
        return _pg_type(element) if isinstance(element, exp.DataType) else None
    if isinstance(node, exp.Tuple):
        from pgserver import types as pgtypes

        return pgtypes.RECORD  # a row constructor: (1, 2)
    if _is_unknown(node):
        return None
    known = known_type(node)
    return _pg_type(known) if known is not None else None


_NO_OPERATOR_HINT = "No operator matches the given name and argument types. You might need to add explicit type casts."


def _check_comparison(node: exp.Expression, symbol: str | None = None) -> None:
    """`2 = ANY(text[])`, `true = 1`, `(1, 2) = 1`: no operator takes these types (42883, PostgreSQL's words)."""
    from pgserver import types as pgtypes
    from pgserver.catalog.expr_types import implicit_casts

    symbol = symbol or _OPERATOR_NAMES.get(type(node))
    left, right = node.args.get("this"), node.args.get("expression")
    if symbol is None or left is None or right is None:
        return
    a, b = _compared_type(left), _compared_type(right)
    if a is None or b is None or a == b:
        return
    first, second = pgtypes.find_by_oid(a), pgtypes.find_by_oid(b)
    if first is None or second is None or first.category == second.category \
            or (a, b) in implicit_casts() or (b, a) in implicit_casts() or "X" in (first.category, second.category):
        return
    raise PgError(UNDEFINED_FUNCTION, f"operator does not exist: {pgtypes.format_type(a)} {symbol} "
                  f"{pgtypes.format_type(b)}", hint=_NO_OPERATOR_HINT)


_INTEGER_DIGITS = {21: 5, 23: 10, 20: 19}


def _nullif_result_type(node: exp.Nullif) -> None:
    """NULLIF(1, 2.5) is numeric: its result is the first argument as the chosen `=` takes it (integer = numeric
    casts the integer), which DuckDB's NULLIF, keeping the first argument's type, does not do by itself."""
    first, second = node.this, node.expression
    a, b = _compared_type(first), _compared_type(second)
    if a not in _INTEGER_DIGITS or b != 1700:
        return
    from pgserver.sql.bind.pg_numeric import literal_numeric_type

    exact = literal_numeric_type(first) if isinstance(first, exp.Literal) else None
    node.set("this", _cast(first.copy(), exact or exp.DataType.build(f"DECIMAL({_INTEGER_DIGITS[a]}, 0)")))


_ARRAY_OPERATORS = {exp.ArrayContainsAll: "@>", exp.ArrayContainedBy: "<@", exp.ArrayOverlaps: "&&"}


def _check_array_operator(node: exp.Expression) -> None:
    """`text[] @> integer[]`: PostgreSQL's array operators take two arrays of one element type (anyarray, after
    implicit casts of the elements), 42883 otherwise."""
    from pgserver import types as pgtypes
    from pgserver.catalog.expr_types import implicit_casts

    a, b = _element_type(node.this), _element_type(node.expression)
    if a is None or b is None or a == b or (a, b) in implicit_casts() or (b, a) in implicit_casts():
        return
    shown = [pgtypes.format_type(pgtypes.array_of(t).oid) for t in (a, b)]
    raise PgError(UNDEFINED_FUNCTION, f"operator does not exist: {shown[0]} {_ARRAY_OPERATORS[type(node)]} "
                  f"{shown[1]}", hint=_NO_OPERATOR_HINT)


_POLY_ARRAYS, _POLY_ELEMENTS = {2277, 5078}, {2283, 5077}  # anyarray/anycompatiblearray, anyelement/anycompatible


@functools.cache
def _polymorphic_overloads() -> dict[tuple[str, int], list[tuple[int, ...]]]:
    """(name, arity) -> argument types of pg_proc functions taking an array and an element of it."""
    out: dict[tuple[str, int], list[tuple[int, ...]]] = {}
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        arguments = tuple(row["proargtypes"] or [])
        if set(arguments) & _POLY_ARRAYS and set(arguments) & _POLY_ELEMENTS:
            out.setdefault((row["proname"], len(arguments)), []).append(arguments)
    return out


def _element_type(node: exp.Expression) -> int | None:
    """The element type of an array operand the tree states (ARRAY['a', …] of unknown literals is text[])."""
    if isinstance(node, exp.Array) and node.expressions and all(_is_unknown(e) for e in node.expressions) \
            and any(isinstance(e, exp.Literal) for e in node.expressions):
        return 25
    if isinstance(node, exp.Array) and node.expressions:  # ARRAY[1, 2]: its elements' one stated type
        stated = {_pg_type(t) if (t := known_type(e)) is not None else None for e in node.expressions}
        return stated.pop() if len(stated) == 1 else None
    known = known_type(node)
    if known is None or known.this != exp.DataType.Type.ARRAY or not known.expressions:
        return None
    element = known.expressions[0]
    return _pg_type(element) if isinstance(element, exp.DataType) else None


def _check_polymorphic_call(node: exp.Func) -> None:
    """array_position(text[], integer): the element must be of the array's element type (42883 as PostgreSQL's
    function lookup answers; DuckDB would cast the array's elements or fail in its own words)."""
    from pgserver import types as pgtypes
    from pgserver.catalog.expr_types import implicit_casts

    name = _function_name(node)
    arguments = _arguments(node) if name is not None else []
    overloads = _polymorphic_overloads().get((name or "", len(arguments)))
    if not overloads:
        return
    for overload in overloads:
        arrays = [i for i, t in enumerate(overload) if t in _POLY_ARRAYS]
        elements = [i for i, t in enumerate(overload) if t in _POLY_ELEMENTS]
        array_element = _element_type(arguments[arrays[0]])
        element = None if _is_unknown(arguments[elements[0]]) else known_type(arguments[elements[0]])
        element_oid = _pg_type(element) if element is not None else None
        if array_element is None or element_oid is None:
            return
        a, b = pgtypes.find_by_oid(array_element), pgtypes.find_by_oid(element_oid)
        if a is None or b is None or a.category == b.category or (element_oid, array_element) in implicit_casts() \
                or (array_element, element_oid) in implicit_casts():
            return
    shown = []
    for i, argument in enumerate(arguments):
        element_of = _element_type(argument) if i in arrays else None
        known = known_type(argument) if element_of is None and not _is_unknown(argument) else None
        oid = pgtypes.array_of(element_of).oid if element_of is not None else _pg_type(known) if known else None
        shown.append(pgtypes.format_type(oid) if oid is not None else "unknown")
    raise PgError(UNDEFINED_FUNCTION, f"function {name}({', '.join(shown)}) does not exist", hint=NO_MATCH_HINT)


# pg_typeof() is a regtype: compared, it is its OID (PostgreSQL has no regtype = regtype, only oid = oid, so
# `pg_typeof(x) = 'integer'::regtype` compares OIDs and `pg_typeof(x) = 'integer'` reads 'integer' as an oid: 22P02)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.NullSafeEQ, exp.NullSafeNEQ)


def _pg_typeof(argument: exp.Expression, as_oid: bool = False) -> exp.Expression:
    """pg_typeof(argument): the type's name as a constant where the tree states it, else DuckDB's type mapped to
    PostgreSQL's at run time (pgfunctions.pg_type_name); `as_oid`: its OID, where it is compared."""
    from pgserver import types as pgtypes

    oid = pgtypes.UNKNOWN if _is_unknown(argument) else None
    known = known_type(argument) if oid is None else None
    oid = _pg_type(known) if known is not None else oid
    if as_oid:
        if oid is not None:
            return exp.cast(exp.Literal.number(oid), exp.DataType.build("UINTEGER", dialect="duckdb"))
        return exp.Anonymous(this="__pg_type_oid", expressions=[exp.Anonymous(this="typeof", expressions=[argument])])
    if oid is not None:
        return exp.Literal.string(pgtypes.format_type(oid))
    return exp.Anonymous(this="__pg_type_name", expressions=[exp.Anonymous(this="typeof", expressions=[argument])])


def _check_cast_exists(cast: exp.Cast) -> None:
    """CAST(x AS t) of an operand whose type the tree states: PostgreSQL refuses a cast pg_cast lacks."""
    from pgserver import types as pgtypes

    source_type = known_type(cast.this)
    if source_type is None or _is_unknown(cast.this):
        return
    source, target = _pg_type(source_type), _pg_type(cast.to)
    if source is None or target is None or _castable(source, target):
        return
    raise PgError(CANNOT_COERCE, f"cannot cast type {pgtypes.format_type(source)} to {pgtypes.format_type(target)}")


def _check_number_input(cast: exp.Cast) -> None:
    """'0x1F'::float8, '1_000'::numeric, '1e3'::numeric(5,2): the literal read by PostgreSQL's input function
    (pgserver.types.numeric) and numeric(p,s)'s overflow check (22003), where DuckDB's reading differs."""
    from pgserver.types.numeric import parse_float, parse_numeric

    literal = cast.this
    if not isinstance(literal, exp.Literal):
        return
    if cast.to.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT) and literal.is_string:
        value = parse_float(literal.this, "float8" if cast.to.this == exp.DataType.Type.DOUBLE else "float4")
        if literal.this.strip().lower().lstrip("+-").startswith("0x"):  # strtod's hexadecimal form: DuckDB lacks it
            literal.replace(exp.Literal.string(repr(value)))
    elif cast.to.this == exp.DataType.Type.DECIMAL:
        number = parse_numeric(literal.this)
        sizes = [p.this if isinstance(p, exp.DataTypeParam) else p for p in cast.to.expressions]
        if sizes and number.is_infinite():
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow",
                          detail="A field with precision and scale cannot hold an infinite value.")
        if number.is_finite() and sizes and all(isinstance(n, exp.Literal) for n in sizes):
            value = number
            precision, scale = int(sizes[0].this), int(sizes[1].this) if len(sizes) > 1 else 0
            rounded = value.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
            if rounded.adjusted() >= precision - scale:
                raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow",
                              detail=f"A field with precision {precision}, scale {scale} must round to an absolute "
                                     f"value less than 10^{precision - scale}.")


_ISO_DATE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}")


def _datetime_input(cast: exp.Cast) -> None:
    """'20240229'::date, 'Feb 29 2024'::timestamp: forms date_in reads and DuckDB does not, read by the type
    registry (pgserver.types.datetime) and handed to DuckDB in ISO form; ISO text and anything the registry cannot
    read stay DuckDB's."""
    from pgserver.types.datetime import parse_date, parse_timestamp

    literal = cast.this
    if cast.to.this not in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP) or \
            not (isinstance(literal, exp.Literal) and literal.is_string) or _ISO_DATE.match(literal.this):
        return
    try:
        value = parse_date(literal.this) if cast.to.this == exp.DataType.Type.DATE else parse_timestamp(literal.this)
    except PgError as error:
        if error.sqlstate == "22008":  # read, but a field is out of range (20240230)
            raise
        return
    literal.replace(exp.Literal.string(value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()))


def _interval_input(cast: exp.Cast) -> None:
    """'P1DT2H'::interval, '1 mon': the literal read by interval_in (pgserver.types.datetime) and handed to DuckDB
    in a form it reads the same way (months, days, microseconds); '1 fortnight' is PostgreSQL's 22007."""
    from pgserver.types.datetime import parse_interval

    literal = cast.this
    if cast.to.this != exp.DataType.Type.INTERVAL or cast.to.expressions or \
            not (isinstance(literal, exp.Literal) and literal.is_string):
        return
    months, days, usecs = parse_interval(literal.this)
    literal.replace(exp.Literal.string(f"{months} months {days} days {usecs} microseconds"))


def _boolean_input(cast: exp.Cast) -> exp.Expression | None:
    """'on'::boolean, ' yes ': boolin's words (pgserver.types.bool), as TRUE/FALSE; DuckDB reads fewer."""
    from pgserver.types.bool import parse_bool

    if cast.to.this != exp.DataType.Type.BOOLEAN or not (isinstance(cast.this, exp.Literal) and cast.this.is_string):
        return None
    return exp.true() if parse_bool(cast.this.this) else exp.false()


def _check_boolean_condition(clause: exp.Expression) -> None:
    """WHERE 1: the condition must be boolean (42804)."""
    from pgserver import types as pgtypes

    condition = clause.this
    known = known_type(condition) if condition is not None and not _is_unknown(condition) else None
    oid = _pg_type(known) if known is not None else None
    if oid is not None and oid != 16:
        construct = "WHERE" if isinstance(clause, exp.Where) else "HAVING"
        raise PgError(DATATYPE_MISMATCH, f"argument of {construct} must be type boolean, not type "
                      f"{pgtypes.format_type(oid)}")


_INTEGER_RANK = {exp.DataType.Type.SMALLINT: 0, exp.DataType.Type.INT: 1, exp.DataType.Type.BIGINT: 2}


def _interval_scaling(node: exp.Mul | exp.Div) -> exp.Expression | None:
    """interval * / number as PostgreSQL's interval_mul/interval_div (fractions cascade: '1 mon' / 2 is 15 days);
    DuckDB's integer division has no interval form."""
    left, right = known_type(node.left), known_type(node.right)
    interval, factor = (node.left, node.right) if left is not None and left.this == exp.DataType.Type.INTERVAL \
        else (node.right, node.left) if isinstance(node, exp.Mul) and right is not None \
        and right.this == exp.DataType.Type.INTERVAL else (None, None)
    if interval is None or factor is None:
        return None
    factor_type = known_type(factor)
    if factor_type is None or factor_type.this not in _RESULT_DUCK_TYPE_KINDS:
        return None
    return exp.Anonymous(this="__pg_interval_scale", expressions=[
        interval.copy(), _cast(factor.copy(), exp.DataType.build("DOUBLE")), exp.Boolean(this=isinstance(node, exp.Div))])


_RESULT_DUCK_TYPE_KINDS = {exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT,
                           exp.DataType.Type.DECIMAL, exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}


def _is_date(node: exp.Expression) -> bool:
    known = known_type(node)
    return known is not None and known.this == exp.DataType.Type.DATE


def _integer_division(node: exp.Div) -> exp.Expression | None:
    """int / int keeps the wider operand's integer type (int2 / int2 is int2; sqlglot writes bigint)."""
    left, right = known_type(node.left), known_type(node.right)
    if left is None or right is None or left.this not in _INTEGER_RANK or right.this not in _INTEGER_RANK \
            or isinstance(node.parent, exp.Cast):
        return None
    wider = left if _INTEGER_RANK[left.this] >= _INTEGER_RANK[right.this] else right
    return _cast(node.copy(), wider)


_TIME_OF_DAY_FIELDS = {"HOUR", "MINUTE", "SECOND", "MILLISECOND", "MILLISECONDS", "MICROSECOND", "MICROSECONDS",
                       "TIMEZONE", "TIMEZONE_HOUR", "TIMEZONE_MINUTE"}
_FRACTIONAL_FIELDS = {"SECOND", "EPOCH", "MILLISECOND", "MILLISECONDS", "MICROSECOND", "MICROSECONDS", "JULIAN"}


def _extract(node: exp.Extract) -> exp.Expression | None:
    """EXTRACT(field FROM x) is numeric (PostgreSQL 14+): whole fields exact; seconds and epoch with six
    decimals from the microseconds DuckDB keeps (its own EXTRACT(second) drops the fraction);
    date_part() stays double precision (its pg_proc result type), with the fraction too."""
    field = node.this.name.upper() if isinstance(node.this, exp.Var | exp.Identifier | exp.Column) else None
    if field is None:
        return None
    from pgserver.output_names import WRITTEN_NAME

    written = node.meta.get(WRITTEN_NAME)
    source = node.expression
    source_type = known_type(source)
    if source_type is not None and source_type.this == exp.DataType.Type.DATE:
        if field in _TIME_OF_DAY_FIELDS and written != "date_part":  # extract(hour from date): PostgreSQL 14+
            raise PgError(FEATURE_NOT_SUPPORTED, f'unit "{field.lower()}" not supported for type date')
        if field == "EPOCH" and written != "date_part":
            return _cast(exp.Anonymous(this="epoch", expressions=[source.copy()]), exp.DataType.build("DECIMAL(38, 0)"))
    if field in ("SECOND", "EPOCH"):
        micro = exp.Anonymous(this="epoch_us" if field == "EPOCH" else "date_part",
                              expressions=[source.copy()] if field == "EPOCH" else
                              [exp.Literal.string("microseconds"), source.copy()])
        if isinstance(known_type(source), exp.DataType) and known_type(source).this == exp.DataType.Type.DATE:
            return None
        if written == "date_part":
            return exp.Div(this=_cast(micro, exp.DataType.build("DOUBLE")), expression=exp.Literal.number("1000000.0"))
        scaled = exp.Mul(this=_cast(micro, exp.DataType.build("DECIMAL(38, 0)")), expression=exp.Literal.number("0.000001"))
        return _cast(scaled, exp.DataType.build("DECIMAL(38, 6)"))
    if written == "date_part" or field in _FRACTIONAL_FIELDS:
        return None
    return _cast(node.copy(), exp.DataType.build("DECIMAL(38, 0)"))


def _date_trunc(node: exp.Expression) -> exp.Expression | None:
    """date_trunc(unit, date) resolves to date_trunc(text, timestamptz): a timestamp with time zone."""
    argument = node.args.get("this")
    target = known_type(argument) if argument is not None else None
    if target is None or target.this != exp.DataType.Type.DATE or isinstance(node.parent, exp.Cast):
        return None
    return _cast(node.copy(), exp.DataType.build("TIMESTAMPTZ"))


_PG_TYPE_NAMES = {exp.DataType.Type.DOUBLE: "double precision", exp.DataType.Type.FLOAT: "real",
                  exp.DataType.Type.INT: "integer", exp.DataType.Type.SMALLINT: "smallint",
                  exp.DataType.Type.BIGINT: "bigint", exp.DataType.Type.DECIMAL: "numeric"}
_OPERATOR_SYMBOLS = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}


def _operand_name(node: exp.Expression) -> str:
    if _is_unknown(node):
        return "unknown"
    known = known_type(node)
    return _PG_TYPE_NAMES.get(known.this, known.sql(dialect="postgres").lower()) if known is not None else "?"


def _resolve_set_operation(union: exp.SetOperation) -> None:
    """UNION/INTERSECT/EXCEPT (10.5): a column whose branches are unknown literals but one takes that
    branch's type (SELECT 1 UNION SELECT '2' is integer)."""
    left, right = union.left, union.right
    if not isinstance(left, exp.Select) or not isinstance(right, exp.Select):
        return
    if len(left.expressions) != len(right.expressions):
        return
    for a, b in zip(left.expressions, right.expressions, strict=True):
        inner_a = a.this if isinstance(a, exp.Alias) else a
        inner_b = b.this if isinstance(b, exp.Alias) else b
        _resolve_inputs(_CONSTRUCT_NAMES.get(type(union), "UNION"), [inner_a, inner_b])
        for unknown, other in ((inner_a, inner_b), (inner_b, inner_a)):
            if _is_unknown(unknown) and not _is_unknown(other):
                target = known_type(other)
                if target is not None and target.this in _CARRIED:
                    unknown.replace(_cast(unknown.copy(), target))
                break


_CONSTRUCT_NAMES = {exp.Case: "CASE", exp.Coalesce: "COALESCE", exp.Greatest: "GREATEST", exp.Least: "LEAST",
                    exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT", exp.Values: "VALUES"}


def _resolve_construct(node: exp.Expression) -> None:
    """The result columns of CASE, COALESCE, GREATEST/LEAST and VALUES, in PostgreSQL's input order."""
    if isinstance(node, exp.Case):
        ifs = node.args.get("ifs") or []
        _resolve_inputs("CASE", [node.args.get("default")] + [i.args.get("true") for i in ifs])
    elif isinstance(node, exp.Coalesce | exp.Greatest | exp.Least):
        _resolve_inputs(_CONSTRUCT_NAMES[type(node)], [node.this, *node.expressions])
    elif isinstance(node, exp.Values):
        rows = [row.expressions for row in node.expressions if isinstance(row, exp.Tuple)]
        if rows and len(rows) == len(node.expressions) and len({len(r) for r in rows}) == 1:
            for column in zip(*rows, strict=True):
                _resolve_inputs("VALUES", list(column))


def _resolve_inputs(construct: str, inputs: list[exp.Expression | None]) -> None:
    """Resolve one column of a construct's inputs (10.5) when the tree states every known input's type."""
    from pgserver import types as pgtypes
    from pgserver.catalog.expr_types import TypeMismatch, common_type

    present = [i for i in inputs if i is not None]
    types = []
    for item in present:
        if _is_unknown(item):
            continue
        known = known_type(item)
        oid = _pg_type(known) if known is not None else None
        if oid is None:
            return
        types.append(oid)
    if not types:
        return
    try:
        chosen = common_type(types)
    except TypeMismatch as mismatch:
        raise PgError(DATATYPE_MISMATCH, f"{construct} types {pgtypes.format_type(mismatch.first)} and "
                      f"{pgtypes.format_type(mismatch.second)} cannot be matched") from None
    if chosen is None or len(types) == len(present):
        return
    target = exp.DataType.build(pgtypes.format_type(chosen), dialect="postgres")
    if target.this not in _CARRIED:
        return
    for item in present:
        if isinstance(item, exp.Literal) and item.is_string:
            cast = _cast(item.copy(), target)
            _check_integer_input(cast)
            item.replace(cast)


def _resolve_operands(node: exp.Expression) -> None:
    left, right = node.args.get("this"), node.args.get("expression")
    if isinstance(node, _ARITHMETIC) and left is not None and right is not None:
        symbol = _OPERATOR_SYMBOLS[type(node)]
        if _is_unknown(left) and _is_unknown(right):
            raise PgError(AMBIGUOUS_FUNCTION, f"operator is not unique: unknown {symbol} unknown",
                          hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
        if isinstance(node, exp.Mod) and any(
                (t := known_type(side)) is not None and t.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT)
                for side in (left, right)):
            raise PgError(UNDEFINED_FUNCTION, f"operator does not exist: {_operand_name(left)} % {_operand_name(right)}",
                          hint="No operator matches the given name and argument types. "
                               "You might need to add explicit type casts.")
    for side, other_side in (("this", "expression"), ("expression", "this")):
        operand, other = node.args.get(side), node.args.get(other_side)
        if operand is None or other is None:
            continue
        if _is_unknown(operand):
            target = known_type(other)
            if target is not None and target.this in _CARRIED and not _is_unknown(other):
                node.set(side, _cast(operand.copy(), target))
        elif isinstance(node, _ARITHMETIC) and (integer := _integer_type(operand)) is not None:
            node.set(side, _cast(operand.copy(), exp.DataType.build(integer)))


def declared_result_types(tree: exp.Expression) -> list[tuple[int, int] | None]:
    """(type OID, typmod) of each root projection that is an explicit cast to a type DuckDB stores
    without its modifier (varchar(n), char(n), numeric(p,s)), a pg_typeof() (regtype) or jsonb; None elsewhere
    (an empty list without a root SELECT)."""
    from pgserver import types as pgtypes
    from pgserver.output_names import root_selects

    root = root_selects(tree)
    if root is None:
        return []
    out: list[tuple[int, int] | None] = [None] * len(root.expressions)
    for index, projection in enumerate(root.expressions):
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Anonymous) and str(inner.this).lower() == "pg_typeof":
            out[index] = (pgtypes.REGTYPE, -1)
            continue
        if is_jsonb(inner):  # DuckDB has one JSON type; jsonb's text is re-normalised on output
            out[index] = (pgtypes.JSONB, -1)
            continue
        if not isinstance(inner, exp.Cast) or not inner.to.expressions:
            continue
        if not inner.to.is_type(exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR, exp.DataType.Type.DECIMAL):
            continue
        try:
            found, typmod = pgtypes.type_for_sql(inner.to.sql(dialect="postgres"))
        except (PgError, KeyError, ValueError):
            continue
        out[index] = (found.oid, typmod)
    return out


_PROBE = "pg_scope_probe"  # node meta, on the throwaway copy only: which asked-about node this is


def scope_types(tree: exp.Expression, nodes: Sequence[exp.Expression]) -> list[exp.DataType | None]:
    """The annotated type of each of `nodes` (inside `tree`); None where sqlglot cannot tell, or for all of them
    when it cannot annotate the tree."""
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    found: list[exp.DataType | None] = [None] * len(nodes)
    if not nodes:
        return found
    for index, node in enumerate(nodes):
        node.meta[_PROBE] = index
    try:
        annotated = annotate_types(qualify(tree.copy(), dialect="duckdb", validate_qualify_columns=False,
                                           quote_identifiers=False, identify=False), dialect="duckdb")
    except (SqlglotError, KeyError, ValueError):
        return found
    finally:
        for node in nodes:
            node.meta.pop(_PROBE, None)
    for probe in annotated.walk():
        index = probe.meta.get(_PROBE)
        if index is not None and probe.type is not None and probe.type.this != exp.DataType.Type.UNKNOWN:
            found[index] = probe.type
    return found
