"""PostgreSQL `numeric` semantics DuckDB's fixed-scale DECIMAL does not have.

PostgreSQL keeps a display scale per value: `'1.5'::numeric + 1` is 2.5, `10::numeric / 4`
is 2.5000000000000000 (division picks its scale from the operands' magnitudes), and
`avg()` of integers or numerics is such a division. DuckDB has one scale per column, casts
an unconstrained `numeric` to DECIMAL(18,3) and divides DECIMALs in double precision. So:

- casts of literals to unconstrained `numeric` become DECIMAL(p, s) of the literal itself;
- a division with a numeric operand (and no float one), and `avg()` of an integer or numeric
  argument, run PostgreSQL's own algorithm (select_div_scale, round half away from zero) in
  `__pg_numeric_div` over the operands' exact text. As a root result column the value stays
  that exact text (the column is reported as numeric and decoded as such); inside an
  expression it becomes DECIMAL(38, 20) so DuckDB can keep computing with it.

Which operands are numeric is decided from the query (literals, casts, declared column
types marked by the planner); an operand of unknown type counts as integer-or-numeric.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from pgserver.provider import TableSpec
from pgserver.sql.bind.type_resolution import scope_types

NUMERIC_FUNCTION = "__pg_numeric_div"
TRANSCENDENTAL_FUNCTION = "__pg_numeric_transcendental"
SPREAD_FUNCTION = "__pg_numeric_spread"
NUMERIC_IN_FUNCTION = "__pg_numeric_in"
PICK_FUNCTION = "__pg_numeric_pick"
NESTED_TYPE = "DECIMAL(38, 20)"  # a division's value inside a larger expression
NUMERIC_COLUMN = "pg_numeric"  # column meta: declared numeric/decimal/money
FLOAT_COLUMN = "pg_float"  # column meta: declared real/double precision
INTEGER_COLUMN = "pg_integer"  # column meta: declared smallint/integer/bigint
TEXT_COLUMN = "pg_text"  # column meta: declared (or derived as) text/varchar/char
INT4_COLUMN = "pg_int4"  # column meta: declared smallint/integer (their sum() is bigint)
ROOT_OUTPUT = "pg_root_output"  # node meta: a root result column (may stay exact text)
_MIN_SIG_DIGITS, _DEC_DIGITS, _MAX_DISPLAY_SCALE = 16, 4, 1000
_INT8_LIMIT = 2**63  # an integer constant from here on is numeric (PostgreSQL 4.1.2.6)
_NUMERIC_TYPES = {exp.DataType.Type.DECIMAL, exp.DataType.Type.MONEY}
_FLOAT_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}
_INT_TYPES = {exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT, exp.DataType.Type.TINYINT}


# -- the arithmetic ----------------------------------------------------------------------


def _weight_and_first_digit(value: decimal.Decimal) -> tuple[int, int]:
    """PostgreSQL's base-10000 weight and leading digit of a value (0, 0 for zero)."""
    if value.is_zero():
        return 0, 0
    magnitude = value.copy_abs()
    weight = magnitude.adjusted() // _DEC_DIGITS
    return weight, int(magnitude.scaleb(-_DEC_DIGITS * weight))


def _display_scale(value: decimal.Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@functools.lru_cache(maxsize=1 << 16)  # a pure function; amounts and quantities repeat a lot
def divide(dividend: str, divisor: str) -> str:
    """`dividend / divisor` as PostgreSQL's numeric division prints it (operands in plain notation
    take the integer path; anything else, e.g. a double's exponent form, goes through Decimal)."""
    a, b = _plain(dividend), _plain(divisor)
    if a is None or b is None:
        return _divide_decimal(decimal.Decimal(dividend), decimal.Decimal(divisor))
    (negative1, mantissa1, scale1), (negative2, mantissa2, scale2) = a, b
    if mantissa2 == 0:
        raise ZeroDivisionError("division by zero")
    weight1, first1 = _weight_and_first(mantissa1, scale1)
    weight2, first2 = _weight_and_first(mantissa2, scale2)
    qweight = weight1 - weight2 - (1 if first1 <= first2 else 0)
    scale = min(max(_MIN_SIG_DIGITS - qweight * _DEC_DIGITS, scale1, scale2, 0), _MAX_DISPLAY_SCALE)
    shift = scale + scale2 - scale1
    numerator = mantissa1 * 10**shift if shift >= 0 else mantissa1
    denominator = mantissa2 if shift >= 0 else mantissa2 * 10**-shift
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder >= denominator:  # half away from zero (magnitudes here)
        quotient += 1
    digits = str(quotient).rjust(scale + 1, "0")
    text = f"{digits[:-scale]}.{digits[-scale:]}" if scale else digits
    return "-" + text if negative1 != negative2 and quotient else text


def _plain(text: str) -> tuple[bool, int, int] | None:
    """(negative, mantissa, scale) of '-12.340' → (True, 12340, 3); None for other notations."""
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("+-").partition(".")
    if not (whole or frac) or not (whole + frac).isdigit() or not whole.isascii():
        return None
    return negative, int(whole + frac or "0"), len(frac)


def _weight_and_first(mantissa: int, scale: int) -> tuple[int, int]:
    """PostgreSQL's base-10000 weight and leading base-10000 digit of mantissa × 10^-scale (0, 0 for zero)."""
    if mantissa == 0:
        return 0, 0
    adjusted = len(str(mantissa)) - 1 - scale
    weight = adjusted // _DEC_DIGITS
    shift = scale + _DEC_DIGITS * weight
    return weight, mantissa // 10**shift if shift >= 0 else mantissa * 10**-shift


def _divide_decimal(a: decimal.Decimal, b: decimal.Decimal) -> str:
    if b.is_zero():
        raise ZeroDivisionError("division by zero")
    weight1, first1 = _weight_and_first_digit(a)
    weight2, first2 = _weight_and_first_digit(b)
    qweight = weight1 - weight2 - (1 if first1 <= first2 else 0)
    scale = max(_MIN_SIG_DIGITS - qweight * _DEC_DIGITS, _display_scale(a), _display_scale(b), 0)
    scale = min(scale, _MAX_DISPLAY_SCALE)
    digits = max(a.adjusted() - b.adjusted(), 0) + scale + 40
    context = decimal.Context(prec=digits, rounding=decimal.ROUND_HALF_UP)
    quotient = context.divide(a, b).quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP,
                                             context=context)
    if quotient.is_zero():
        quotient = quotient.copy_abs()
    return format(quotient, "f")


def _plain_parts(value: decimal.Decimal) -> tuple[int, int, list[int]]:
    """(base-10000 weight, display scale, leading base-10000 digits) of a value, as PostgreSQL stores it."""
    weight, first = _weight_and_first_digit(value)
    second = 0
    if not value.is_zero():
        magnitude = value.copy_abs().scaleb(-_DEC_DIGITS * (weight - 1))
        second = int(magnitude) % 10000
    return weight, _display_scale(value), [first, second]


def _ln_dweight(value: decimal.Decimal) -> int:
    """estimate_ln_dweight (numeric.c): the decimal weight of ln(value)."""
    if decimal.Decimal("0.9") <= value <= decimal.Decimal("1.1"):
        x = value - 1
        return 0 if x.is_zero() else x.adjusted()
    weight, _, (first, second) = _plain_parts(value)
    d, dweight = first * 10000 + second, weight * _DEC_DIGITS - _DEC_DIGITS
    if d == 0:
        return 0
    ln_value = math.log(d) + dweight * math.log(10)
    return int(math.log10(abs(ln_value))) if ln_value else 0


def _clamp_scale(scale: int) -> int:
    return min(max(scale, 0), _MAX_DISPLAY_SCALE)


@functools.lru_cache(maxsize=1 << 12)
def transcendental(function: str, argument: str, second: str | None = None) -> str:
    """sqrt/exp/ln/log10/log(b, x)/power(x, y) of numeric values with PostgreSQL's result scale (numeric.c:
    at least 16 significant digits, at least the arguments' display scales), rounded half away from zero."""
    from pgserver.errors import PgError

    x = decimal.Decimal(argument)
    y = decimal.Decimal(second) if second is not None else None
    if function == "sqrt":
        if x < 0:
            raise PgError("2201F", "cannot take square root of a negative number")
        weight = _plain_parts(x)[0]
        scale = _clamp_scale(max(_MIN_SIG_DIGITS - ((weight + 1) * _DEC_DIGITS // 2 - 1), _display_scale(x)))
        return _rounded(lambda c: c.sqrt(x), scale, x.adjusted())
    if function == "exp":
        scale = _clamp_scale(max(_MIN_SIG_DIGITS - int(float(x) * 0.434294481903252), _display_scale(x)))
        return _rounded(lambda c: c.exp(x), scale, int(float(x) * 0.4343) + 1)
    if function in ("ln", "log10", "log"):
        base = decimal.Decimal(10) if function == "log10" else x if function == "log" else None  # log(b, x)
        value = x if function != "log" else y
        assert value is not None
        if value <= 0 or (base is not None and base <= 0):
            raise PgError("2201E", "cannot take logarithm of zero" if value == 0 or base == 0
                          else "cannot take logarithm of a negative number")
        if base is None:
            scale = _clamp_scale(max(_MIN_SIG_DIGITS - _ln_dweight(value), _display_scale(value)))
            return _rounded(lambda c: c.ln(value), scale, 3)
        if base == 1:  # ln(1) = 0 divides
            raise PgError("22012", "division by zero")
        result_dweight = _ln_dweight(value) - _ln_dweight(base)
        shown = [_display_scale(value)] + ([_display_scale(x)] if function == "log" else [])
        scale = _clamp_scale(max(_MIN_SIG_DIGITS - result_dweight, *shown))
        return _rounded(lambda c: c.divide(c.ln(value), c.ln(base)), scale, 3)
    assert function == "power" and y is not None
    if x == 0 and y < 0:
        raise PgError("2201F", "zero raised to a negative power is undefined")
    if x < 0 and y != y.to_integral_value():
        raise PgError("2201F", "a negative number raised to a non-integer power yields a complex result")
    if y == y.to_integral_value() and abs(y) < 2**31:
        scale = _clamp_scale(max(_MIN_SIG_DIGITS, _display_scale(x)))
        return _rounded(lambda c: c.power(x, int(y)), scale, int(abs(y)) * (abs(x.adjusted()) + 1) + 2)
    estimate = float(y) * math.log(float(x)) if x > 0 else 0.0
    scale = _clamp_scale(max(_MIN_SIG_DIGITS - int(estimate * 0.434294481903252), _display_scale(x), _display_scale(y)))
    return _rounded(lambda c: c.power(x, y), scale, int(estimate * 0.4343) + 2)


def _rounded(compute: Callable[[decimal.Context], decimal.Decimal], scale: int, magnitude: int) -> str:
    """`compute` carried out with enough digits for `scale` places, rounded there half away from zero."""
    context = decimal.Context(prec=max(magnitude, 0) + scale + 20, rounding=decimal.ROUND_HALF_EVEN,
                              Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    value = compute(context).quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP,
                                      context=context)
    return format(value.copy_abs() if value.is_zero() else value, "f")


def spread(values: list[str], function: str) -> str | None:
    """variance/stddev (sample or population) of numeric values as PostgreSQL computes them
    (numeric_stddev_internal in numeric.c): N·ΣX² − (ΣX)² exactly, divided by N(N−1) or N² at the division's
    scale (select_div_scale), and for stddev the square root at that same scale."""
    numbers = [decimal.Decimal(v) for v in values]
    n, sample = len(numbers), function.endswith("samp")
    if n == 0 or (sample and n == 1):
        return None
    with decimal.localcontext(decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)):
        total = sum(numbers, decimal.Decimal(0))
        squares = sum((x * x for x in numbers), decimal.Decimal(0))
        numerator = n * squares - total * total
    if numerator <= 0:  # (PostgreSQL guards roundoff the same way: a plain zero)
        return "0"
    scale = 2 * max((_display_scale(x) for x in numbers), default=0)
    variance = divide(format(numerator.quantize(decimal.Decimal(1).scaleb(-scale)), "f"),
                      str(n * (n - 1) if sample else n * n))
    if function.startswith("var"):
        return variance
    result_scale = _display_scale(decimal.Decimal(variance))
    root = decimal.Decimal(variance)
    return _rounded(lambda c: c.sqrt(root), result_scale, root.adjusted() // 2 + 1)


_NUMERIC_SYNTAX = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_NUMERIC_SPECIAL = {"nan": "NaN", "infinity": "Infinity", "+infinity": "Infinity", "inf": "Infinity",
                    "+inf": "Infinity", "-infinity": "-Infinity", "-inf": "-Infinity"}


@functools.lru_cache(maxsize=1 << 12)
def numeric_in(text: str) -> str:
    """A text value read as numeric and printed as PostgreSQL does (numeric_in: the value keeps the scale it
    was written with, an exponent moves it: '0.10' → 0.10, '1.5e-3' → 0.0015, '1e3' → 1000)."""
    from pgserver.errors import PgError

    special = _NUMERIC_SPECIAL.get(text.strip().lower())
    if special is not None:
        return special
    if not _NUMERIC_SYNTAX.fullmatch(text):
        raise PgError("22P02", f'invalid input syntax for type numeric: "{text}"')
    value = decimal.Decimal(text.strip())
    if value.as_tuple().exponent > 0:  # type: ignore[operator]  # 1e3: scale 0
        value = value.quantize(decimal.Decimal(1), context=decimal.Context(prec=decimal.MAX_PREC))
    return format(value.copy_abs() if value.is_zero() else value, "f")


def pick(function: str, values: list[str | None]) -> str | None:
    """greatest/least of numeric values, the chosen one printed with its own scale (the first of equal ones,
    as ExecEvalMinMax keeps it); NULLs are ignored."""
    best: tuple[decimal.Decimal, str] | None = None
    for text in values:
        if text is None:
            continue
        value = decimal.Decimal(text)
        if best is None or (value > best[0] if function == "greatest" else value < best[0]):
            best = (value, text)
    return None if best is None else best[1]


def _pick_arrays(functions: pa.Array, lists: pa.Array) -> pa.Array:
    return pa.array([None if values is None else pick(function, values)
                     for function, values in zip(functions.to_pylist(), lists.to_pylist(), strict=True)],
                    type=pa.string())


def _numeric_in_arrays(texts: pa.Array) -> pa.Array:
    return pa.array([None if t is None else numeric_in(t) for t in texts.to_pylist()], type=pa.string())


def _spread_arrays(lists: pa.Array, functions: pa.Array) -> pa.Array:
    return pa.array([None if values is None else spread([v for v in values if v is not None], function)
                     for values, function in zip(lists.to_pylist(), functions.to_pylist(), strict=True)],
                    type=pa.string())


def _transcendental_arrays(functions: pa.Array, arguments: pa.Array, seconds: pa.Array) -> pa.Array:
    return pa.array([None if a is None or (f in ("power", "log") and b is None) else transcendental(f, a, b)
                     for f, a, b in zip(functions.to_pylist(), arguments.to_pylist(), seconds.to_pylist(),
                                        strict=True)], type=pa.string())


_QUOTIENTS: dict[str, str] = {}  # 'dividend/divisor' → divide()'s text: amounts and quantities repeat a lot
_QUOTIENTS_KEPT = 1 << 16
# divisor → (dividends, their quotients) for vectors of one divisor; each entry is replaced whole, so a reader in
# another session's thread always sees a matching pair
_BY_DIVISOR: dict[str, tuple[pa.Array, pa.Array]] = {}
_DIVISORS_KEPT = 1 << 6
_BY_DIVISOR_KEPT = 1 << 13  # dividends kept per divisor (then it starts again from one vector's)


def _quotient(pair: str) -> str:
    quotient = _QUOTIENTS.get(pair)
    if quotient is None:
        if len(_QUOTIENTS) >= _QUOTIENTS_KEPT:
            _QUOTIENTS.clear()
        dividend, _, divisor = pair.partition("/")
        quotient = _QUOTIENTS[pair] = divide(dividend, divisor)
    return quotient


def _divide_by(dividends: pa.Array, divisor: str) -> pa.Array:
    """Quotients of a vector of one divisor (`amount / 100`): its dividends are looked up among those this divisor
    divided before by Arrow's hash kernel (index_in), and only unseen ones run the Python arithmetic — no Python
    work per row or per repeated value (decision 0803)."""
    known = _BY_DIVISOR.get(divisor)
    if known is not None:
        positions = pc.index_in(dividends, value_set=known[0])
        if positions.null_count == dividends.null_count:  # every dividend seen before (a NULL stays NULL)
            return known[1].take(positions)
        unseen = dividends.filter(pc.and_(pc.is_null(positions), pc.is_valid(dividends)))
        if len(known[0]) + len(unseen) > _BY_DIVISOR_KEPT:
            known = None  # start again from this vector's dividends
    if known is None:
        unseen = dividends.filter(pc.is_valid(dividends))
    new = pc.unique(unseen)
    quotients = pa.array([divide(d, divisor) for d in new.to_pylist()], type=pa.string())
    known = (new, quotients) if known is None else \
        (pa.concat_arrays([known[0], new]), pa.concat_arrays([known[1], quotients]))
    if divisor not in _BY_DIVISOR and len(_BY_DIVISOR) >= _DIVISORS_KEPT:
        _BY_DIVISOR.clear()
    _BY_DIVISOR[divisor] = known
    return known[1].take(pc.index_in(dividends, value_set=known[0]))


def _divide_arrays(dividends: pa.Array, divisors: pa.Array) -> pa.Array:
    """`divide` per distinct (dividend, divisor) pair of the vector, found by Arrow's hash kernel, and each pair's
    quotient kept across vectors: a large result runs the Python arithmetic once per pair it holds. A vector of
    one divisor is not paired (_divide_by)."""
    if isinstance(dividends, pa.ChunkedArray):  # DuckDB passes its vectors as chunked arrays
        dividends = dividends.combine_chunks()
    if isinstance(divisors, pa.ChunkedArray):
        divisors = divisors.combine_chunks()
    if len(divisors) and divisors.null_count == 0:
        divisor = divisors[0].as_py()
        if pc.all(pc.equal(divisors, divisor)).as_py():
            return _divide_by(dividends, divisor)
    pairs = pc.binary_join_element_wise(dividends, divisors, "/")  # null when either operand is
    encoded = pc.dictionary_encode(pairs)
    quotients = pa.array([_quotient(pair) for pair in encoded.dictionary.to_pylist()], type=pa.string())
    return quotients.take(encoded.indices)


def install_numeric_functions(duck: duckdb.DuckDBPyConnection) -> None:
    varchar = duckdb.sqltype("VARCHAR")
    duck.create_function(NUMERIC_FUNCTION, _divide_arrays, [varchar, varchar], varchar, type="arrow")
    duck.create_function(PICK_FUNCTION, _pick_arrays, [varchar, duckdb.list_type(varchar)], varchar, type="arrow",
                         null_handling="special")
    duck.create_function(NUMERIC_IN_FUNCTION, _numeric_in_arrays, [varchar], varchar, type="arrow")
    duck.create_function(SPREAD_FUNCTION, _spread_arrays, [duckdb.list_type(varchar), varchar], varchar,
                         type="arrow", null_handling="special")
    duck.create_function(TRANSCENDENTAL_FUNCTION, _transcendental_arrays, [varchar, varchar, varchar], varchar,
                         type="arrow", null_handling="special")


# -- recognising numeric expressions -------------------------------------------------------


def _unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren | exp.Neg):
        node = node.this
    return node


def is_numeric(node: exp.Expression) -> bool:
    """Whether PostgreSQL would type this expression numeric (from what the query says)."""
    node = _unwrap(node)
    if isinstance(node, exp.Literal):  # 1.5, 1e3, and an integer constant beyond bigint (4.1.2.6)
        return not node.is_string and (any(c in node.this for c in ".eE") or
                                       (node.this.isdigit() and int(node.this) >= _INT8_LIMIT))
    if isinstance(node, exp.Cast):
        return node.to.this in _NUMERIC_TYPES
    if isinstance(node, exp.Column):
        return bool(node.meta.get(NUMERIC_COLUMN))
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return (is_numeric(node.left) or is_numeric(node.right)) and not is_float(node.left) \
            and not is_float(node.right)
    if isinstance(node, exp.Div):
        return is_numeric_division(node)
    if isinstance(node, exp.Round | exp.Abs | exp.Sum | exp.Min | exp.Max | exp.Coalesce):
        return is_numeric(node.this)
    if isinstance(node, exp.Greatest | exp.Least):
        operands = [node.this, *node.expressions]
        return any(is_numeric(o) for o in operands) and not any(is_float(o) for o in operands)
    if isinstance(node, _TRANSCENDENTAL):
        return computes_exactly(node)
    if isinstance(node, exp.Avg):
        return averages_exactly(node)
    if isinstance(node, exp.Window):
        return windowed_average(node)
    if isinstance(node, SPREADS):
        return spreads_exactly(node)
    return False


def is_float(node: exp.Expression) -> bool:
    node = _unwrap(node)
    if isinstance(node, exp.Cast):
        return node.to.this in _FLOAT_TYPES
    if isinstance(node, exp.Column):
        return bool(node.meta.get(FLOAT_COLUMN))
    return False


def is_integer(node: exp.Expression) -> bool:
    node = _unwrap(node)
    if isinstance(node, exp.Literal):
        return not node.is_string and node.this.isdigit() and int(node.this) < _INT8_LIMIT
    if isinstance(node, exp.Cast):
        return node.to.this in _INT_TYPES
    if isinstance(node, exp.Column):
        return bool(node.meta.get(INTEGER_COLUMN))
    return False


_TRANSCENDENTAL = (exp.Sqrt, exp.Exp, exp.Ln, exp.Log, exp.Pow)


def computes_exactly(node: exp.Expression) -> bool:
    """sqrt/exp/ln/log/power over numeric operands (no float one): numeric in PostgreSQL, computed by its rules."""
    operands = [v for k, v in node.args.items() if isinstance(v, exp.Expression) and k in ("this", "expression")]
    # log(b, x) exists for numeric only: integer operands make it numeric too (the others have float8 versions,
    # which PostgreSQL prefers for integers)
    numeric_only = isinstance(node, exp.Log) and len(operands) == 2
    return isinstance(node, _TRANSCENDENTAL) and (numeric_only or any(is_numeric(o) for o in operands)) \
        and not any(is_float(o) for o in operands) and all(is_numeric(o) or is_integer(o) for o in operands)


def exact_transcendental(node: exp.Expression, operands: list[exp.Expression], root_output: bool) -> exp.Expression:
    """The DuckDB expression computing PostgreSQL's numeric sqrt/exp/ln/log/power of (already fixed) operands."""
    if isinstance(node, exp.Log):
        function = "log" if len(operands) == 2 else "log10"
    else:
        function = {exp.Sqrt: "sqrt", exp.Exp: "exp", exp.Ln: "ln", exp.Pow: "power"}[type(node)]
    texts = [exp.cast(o, exp.DataType.build("VARCHAR")) for o in operands]
    call = exp.Anonymous(this=TRANSCENDENTAL_FUNCTION, expressions=[
        exp.Literal.string(function), texts[0], texts[1] if len(texts) > 1 else exp.cast(exp.null(), "VARCHAR")])
    return _shown(call, root_output)


def sums_to_bigint(node: exp.Sum) -> bool:
    """sum() of smallint/integer is bigint in PostgreSQL (DuckDB: HUGEINT); plain aggregate calls only."""
    if isinstance(node.parent, exp.Window | exp.Filter):
        return False
    return sums_int4(node)


def sums_int4(node: exp.Sum) -> bool:
    """sum() of a smallint/integer argument (its result is bigint, also as a window or FILTER aggregate)."""
    argument = _unwrap(node.this)
    if isinstance(argument, exp.Cast):
        return argument.to.this in {exp.DataType.Type.INT, exp.DataType.Type.SMALLINT}
    return isinstance(argument, exp.Column) and bool(argument.meta.get(INT4_COLUMN))


def is_numeric_division(node: exp.Div) -> bool:
    return (is_numeric(node.left) or is_numeric(node.right)) and not is_float(node.left) and not is_float(node.right)


def averages_exactly(node: exp.Avg) -> bool:
    """avg() of an integer or numeric argument is numeric in PostgreSQL (plain aggregate calls only)."""
    if isinstance(node.parent, exp.Window | exp.Filter) or isinstance(node.this, exp.Distinct):
        return False
    return is_numeric(node.this) or is_integer(node.this)


def windowed_average(node: exp.Expression) -> bool:
    """avg() OVER (…) of an integer or numeric argument: numeric in PostgreSQL, as the plain aggregate is."""
    return isinstance(node, exp.Window) and isinstance(node.this, exp.Avg) \
        and not isinstance(node.this.this, exp.Distinct) and (is_numeric(node.this.this) or is_integer(node.this.this))


SPREADS = (exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.Variance, exp.VariancePop)
_SPREAD_NAMES = {exp.Stddev: "stddev_samp", exp.StddevSamp: "stddev_samp", exp.StddevPop: "stddev_pop",
                 exp.Variance: "var_samp", exp.VariancePop: "var_pop"}


def spreads_exactly(node: exp.Expression) -> bool:
    """stddev/variance of an integer or numeric argument is numeric in PostgreSQL (plain aggregate calls only)."""
    if not isinstance(node, SPREADS) or isinstance(node.parent, exp.Window | exp.Filter) \
            or isinstance(node.this, exp.Distinct):
        return False
    return is_numeric(node.this) or is_integer(node.this)


def exact_spread(node: exp.Expression, argument: exp.Expression, root_output: bool) -> exp.Expression:
    """The DuckDB expression computing PostgreSQL's numeric stddev/variance of an (already fixed) argument."""
    values = exp.Anonymous(this="list", expressions=[exp.cast(argument, exp.DataType.build("VARCHAR"))])
    call = exp.Anonymous(this=SPREAD_FUNCTION, expressions=[values, exp.Literal.string(_SPREAD_NAMES[type(node)])])
    return _shown(call, root_output)


def reads_numeric_text(node: exp.Expression) -> bool:
    """`x::numeric` of a value whose type does not fix the scale (text, double precision, a catalog column):
    numeric_in of its text keeps each value's own scale, where DuckDB's unconstrained DECIMAL is (18, 3)."""
    if not isinstance(node, exp.Cast) or not is_unconstrained_numeric(node.to) \
            or literal_numeric_type(node.this) is not None:
        return False
    operand = _unwrap(node.this)
    if isinstance(operand, exp.IntDiv) or is_integer(operand) or is_numeric(operand):
        return False
    return not (isinstance(operand, exp.Cast) and operand.to.this in _NUMERIC_TYPES | _INT_TYPES)


def exact_numeric_text(operand: exp.Expression, root_output: bool) -> exp.Expression:
    """The DuckDB expression reading an (already fixed) operand as PostgreSQL's numeric: exact text at the root,
    else the nested decimal type (20 places, not DuckDB's 3)."""
    call = exp.Anonymous(this=NUMERIC_IN_FUNCTION, expressions=[exp.cast(operand, exp.DataType.build("VARCHAR"))])
    return _shown(call, root_output)


def keeps_value_scales(node: exp.Expression) -> bool:
    """greatest/least, COALESCE and CASE over numeric operands (no float one): PostgreSQL's result is one of the
    operands' values, printed with that value's own scale (1 stays 1 beside 2.5) — exact text in a result column."""
    if isinstance(node, exp.Greatest | exp.Least):
        return is_numeric(node)
    results: list[exp.Expression] | None = None
    if isinstance(node, exp.Coalesce):
        results = [node.this, *node.expressions]
    if isinstance(node, exp.Case) and node.args.get("this") is None:
        results = [i.args["true"] for i in node.args.get("ifs", [])] + \
            ([node.args["default"]] if node.args.get("default") is not None else [])
    if results is not None:
        typed = [r for r in results if not isinstance(_unwrap(r), exp.Null)]
        return bool(typed) and any(is_numeric(r) for r in typed) and all(is_numeric(r) or is_integer(r) for r in typed)
    return False


def exact_values(node: exp.Expression, fixed: exp.Expression) -> exp.Expression:
    """The exact-text form of a root greatest/least/COALESCE/CASE (see keeps_value_scales); `fixed` is its fixed copy."""
    def text(operand: exp.Expression) -> exp.Expression:
        return exp.cast(operand, exp.DataType.build("VARCHAR"))

    if isinstance(fixed, exp.Greatest | exp.Least):
        operands = [fixed.this, *fixed.expressions]
        return exp.Anonymous(this=PICK_FUNCTION, expressions=[
            exp.Literal.string("greatest" if isinstance(node, exp.Greatest) else "least"),
            exp.Array(expressions=[text(o) for o in operands])])
    if isinstance(fixed, exp.Coalesce):
        return exp.Coalesce(this=text(fixed.this), expressions=[text(o) for o in fixed.expressions])
    assert isinstance(fixed, exp.Case)
    case = fixed.copy()
    for branch in case.args.get("ifs", []):
        branch.set("true", text(branch.args["true"]))
    if case.args.get("default") is not None:
        case.set("default", text(case.args["default"]))
    return case


def _shown(call: exp.Expression, root_output: bool) -> exp.Expression:
    """An exact-text UDF call as a root result column (text, reported numeric) or, inside an expression, as the
    nested decimal type."""
    return call if root_output else exp.cast(call, exp.DataType.build(NESTED_TYPE, dialect="duckdb"))


def exact_division(dividend: exp.Expression, divisor: exp.Expression, root_output: bool) -> exp.Expression:
    """The DuckDB expression computing PostgreSQL's numeric division of two (already fixed) operands."""
    call = exp.Anonymous(this=NUMERIC_FUNCTION, expressions=[
        exp.cast(dividend, exp.DataType.build("VARCHAR")), exp.cast(divisor, exp.DataType.build("VARCHAR"))])
    return _shown(call, root_output)


def literal_numeric_type(node: exp.Expression) -> exp.DataType | None:
    """DECIMAL(p, s) holding a literal exactly, for `'1.5'::numeric`, `-4.5::numeric` (None: not a finite literal)."""
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return literal_numeric_type(node.this)
    if not isinstance(node, exp.Literal):
        return None
    try:
        value = decimal.Decimal(node.this.strip())
    except decimal.InvalidOperation:
        return None
    if not value.is_finite():
        return None
    scale = _display_scale(value)
    digits = len(value.as_tuple().digits)
    precision = max(digits, scale + 1) if scale else max(digits + max(value.as_tuple().exponent, 0), 1)  # type: ignore[operator]
    if precision > 38:
        return None
    return exp.DataType.build(f"DECIMAL({precision}, {scale})", dialect="duckdb")


_INTEGER_WIDTHS = {exp.DataType.Type.TINYINT: 5, exp.DataType.Type.SMALLINT: 5, exp.DataType.Type.INT: 10,
                   exp.DataType.Type.BIGINT: 19}


def type_numeric_casts(tree: exp.Expression) -> None:
    """`x::numeric` of an integer expression whose type no cast or literal states — a column the provider declares
    integer (`"Id"::numeric`), or one only the query's scopes type (`(i % 1000)::numeric` over generate_series, a
    derived table's column) — becomes DECIMAL(w, 0) in place: PostgreSQL's value has scale 0, where DuckDB's
    unconstrained DECIMAL is (18, 3) — 27825.000 for 27825, and an overflow from 10^15 on. The latter are typed by
    sqlglot's type annotation, on a copy; an operand it cannot type is left as it was."""
    casts = [c for c in tree.find_all(exp.Cast) if is_unconstrained_numeric(c.to)
             and _exact_operand_unknown(c.this)]
    declared = [c for c in casts if isinstance(_unwrap(c.this), exp.Column) and is_integer(c.this)]
    for cast in declared:  # a column the provider declares integer ("Id"::numeric): no annotation needed
        cast.set("to", exp.DataType.build(f"DECIMAL({_INTEGER_WIDTHS[exp.DataType.Type.BIGINT]}, 0)",
                                          dialect="duckdb"))
    others = [c for c in casts if c not in declared]
    for cast, operand_type in zip(others, scope_types(tree, [c.this for c in others]), strict=True):
        if operand_type is not None and operand_type.this in _INTEGER_WIDTHS:
            cast.set("to", exp.DataType.build(f"DECIMAL({_INTEGER_WIDTHS[operand_type.this]}, 0)", dialect="duckdb"))


def _exact_operand_unknown(operand: exp.Expression) -> bool:
    """The operand's type is not stated by the tree (a literal's, a cast's and an integer division's are)."""
    bare = _unwrap(operand)
    return not isinstance(bare, exp.Literal | exp.Cast | exp.IntDiv | exp.Null) and not is_numeric(bare) \
        and not is_float(bare) and not is_text(bare)


def is_unconstrained_numeric(data_type: exp.DataType) -> bool:
    return data_type.this == exp.DataType.Type.DECIMAL and not data_type.expressions


# -- marking a planned query -------------------------------------------------------------------


def mark_numeric_expressions(tree: exp.Expression, specs: dict[str, TableSpec]) -> frozenset[int]:
    """Tag columns with their declared numeric/float/integer kind and root result columns that may
    stay exact text; returns the indexes of those root columns (reported as numeric)."""
    for scope in traverse_scope(tree):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if not column.table and len(scope.selected_sources) == 1:  # not qualified (no view read): the only source
                source = next(iter(scope.selected_sources.values()))[1]
            spec = specs.get(source.name) if isinstance(source, exp.Table) else None
            declared = spec.column(column.name) if spec is not None else None
            if declared is not None:
                for kind in _declared_kinds(declared.pg_type):
                    column.meta[kind] = True
            elif isinstance(source, Scope):  # a derived table's column: typed as PostgreSQL types its branches
                node = source.expression
                if isinstance(node.parent, exp.Subquery):  # its alias may name the columns: (…) AS t(v)
                    node = node.parent
                for kind in _derived_kinds(_branch_expressions(node, column.name)):
                    column.meta[kind] = True
    select = tree
    if not isinstance(select, exp.Select) or select.args.get("distinct"):
        return frozenset()
    ordered = _ordered_projections(select)
    if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
           for p in select.expressions):
        return frozenset()
    exact: set[int] = set()
    for index, projection in enumerate(select.expressions):
        if index in ordered:  # sorted by it: it must stay a number, not its text
            continue
        node = projection.this if isinstance(projection, exp.Alias) else projection
        while isinstance(node, exp.Paren):
            node = node.this
        if (isinstance(node, exp.Div) and is_numeric_division(node)) or \
                (isinstance(node, exp.Avg) and averages_exactly(node)) or windowed_average(node) \
                or computes_exactly(node) \
                or spreads_exactly(node) or (reads_numeric_text(node) and not select.args.get("group")) \
                or (keeps_value_scales(node) and not select.args.get("group")):
            node.meta[ROOT_OUTPUT] = True
            exact.add(index)
    return frozenset(exact)


def _ordered_projections(select: exp.Select) -> set[int]:
    """The result columns ORDER BY refers to (by position, by output name or by the same expression)."""
    order = select.args.get("order")
    if order is None:
        return set()
    names = {p.alias_or_name.lower(): i for i, p in enumerate(select.expressions)}
    shapes = {p.unalias().sql(): i for i, p in enumerate(select.expressions)}
    found: set[int] = set()
    for ordered in order.expressions:
        key = ordered.this if isinstance(ordered, exp.Ordered) else ordered
        if isinstance(key, exp.Literal) and not key.is_string and key.this.isdigit():
            found.add(int(key.this) - 1)
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in names:
            found.add(names[key.name.lower()])
        elif key.sql() in shapes:
            found.add(shapes[key.sql()])
        elif _mentions_outputs(key, names):  # an expression over result columns: keep every column a number
            found.update(range(len(select.expressions)))
    return found


def _mentions_outputs(key: exp.Expression, names: dict[str, int]) -> bool:
    return any(not c.table and c.name.lower() in names for c in key.find_all(exp.Column))


def _branch_expressions(source: exp.Expression, name: str) -> list[exp.Expression]:
    """The expressions a derived table's column `name` takes its values from: one per VALUES row or UNION branch."""
    if isinstance(source, exp.Subquery):
        names = _alias_columns(source)
        if name in names:  # (VALUES … LIMIT n) AS t(v): the alias names the inner columns by position
            return _positional(source.this, names.index(name))
        return _branch_expressions(source.this, name)
    if isinstance(source, exp.Values):
        names = _alias_columns(source)
        return _positional(source, names.index(name)) if name in names else []
    if isinstance(source, exp.SetOperation):
        left = source.left
        while isinstance(left, exp.SetOperation | exp.Subquery):
            left = left.left if isinstance(left, exp.SetOperation) else left.this
        names = [p.alias_or_name for p in left.expressions] if isinstance(left, exp.Select) else []
        if name not in names:
            return []
        return _positional(source, names.index(name))
    if isinstance(source, exp.Select):
        found = [p.unalias() for p in source.expressions if p.alias_or_name == name]
        if len(found) == 1 and isinstance(found[0], exp.Explode) and isinstance(found[0].this, exp.GenerateSeries):
            series = found[0].this  # FROM generate_series(start, stop[, step]): their common type
            return [series.args[k] for k in ("start", "end", "step") if series.args.get(k) is not None]
        return found if len(found) == 1 else []
    return []


def _positional(source: exp.Expression, index: int) -> list[exp.Expression]:
    if isinstance(source, exp.SetOperation):
        return _positional(source.left, index) + _positional(source.right, index)
    if isinstance(source, exp.Subquery):
        return _positional(source.this, index)
    if isinstance(source, exp.Values):
        rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in source.expressions]
        return [row[index] for row in rows if index < len(row)]
    if isinstance(source, exp.Select) and [type(p) for p in source.expressions] == [exp.Star] \
            and (source.args.get("from_") or source.args.get("from")) is not None and not source.args.get("joins"):
        inner = (source.args.get("from_") or source.args["from"]).this
        return _positional(inner.this if isinstance(inner, exp.Subquery) else inner, index)
    if isinstance(source, exp.Select) and index < len(source.expressions) \
            and not any(isinstance(p, exp.Star) for p in source.expressions):
        return [source.expressions[index].unalias()]
    return [_UNKNOWN_BRANCH]  # a branch we cannot follow: the column's kind stays unknown


_UNKNOWN_BRANCH = exp.Anonymous(this="unknown")


def _alias_columns(node: exp.Expression) -> list[str]:
    alias = node.args.get("alias")
    return [c.name for c in alias.columns] if alias is not None else []


def _derived_kinds(branches: list[exp.Expression]) -> tuple[str, ...]:
    """The kind of a column whose values come from these expressions, as UNION/VALUES type resolution picks it
    (PostgreSQL 10.5): any double precision makes it double precision, else any numeric numeric, else integer
    when every branch is an integer (int4 when each fits one); NULLs do not count."""
    typed = [b for b in branches if not isinstance(_unwrap(b), exp.Null)]
    if not typed:
        return ()
    if any(is_float(b) for b in typed):
        return (FLOAT_COLUMN,)
    if any(is_numeric(b) for b in typed) and all(is_numeric(b) or is_integer(b) for b in typed):
        return (NUMERIC_COLUMN,)
    if all(is_integer(b) for b in typed):
        return (INTEGER_COLUMN, INT4_COLUMN) if all(_is_int4(b) for b in typed) else (INTEGER_COLUMN,)
    if all(is_text(b) for b in typed):
        return (TEXT_COLUMN,)
    return ()


def is_text(node: exp.Expression) -> bool:
    """Whether PostgreSQL would type this expression text (a string constant counts: it resolves to text)."""
    node = _unwrap(node)
    if isinstance(node, exp.Literal):
        return node.is_string
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR)
    if isinstance(node, exp.Column):
        return bool(node.meta.get(TEXT_COLUMN))
    return isinstance(node, exp.DPipe | exp.Upper | exp.Lower | exp.Trim | exp.Substring)


def _is_int4(node: exp.Expression) -> bool:
    node = _unwrap(node)
    if isinstance(node, exp.Literal):
        return int(node.this) < 2**31
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.INT, exp.DataType.Type.SMALLINT, exp.DataType.Type.TINYINT)
    return isinstance(node, exp.Column) and bool(node.meta.get(INT4_COLUMN))


def _declared_kinds(pg_type: str) -> tuple[str, ...]:
    name = pg_type.lower().split("(")[0].strip()
    if name in {"numeric", "decimal", "money"}:
        return (NUMERIC_COLUMN,)
    if name in {"double precision", "float8", "real", "float4", "float"}:
        return (FLOAT_COLUMN,)
    if name in {"integer", "int", "int4", "smallint", "int2"}:
        return INTEGER_COLUMN, INT4_COLUMN
    if name in {"bigint", "int8"}:
        return (INTEGER_COLUMN,)
    if name in {"text", "character varying", "varchar", "character", "char", "bpchar"}:
        return (TEXT_COLUMN,)
    return ()
