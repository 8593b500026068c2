"""PostgreSQL array idioms in catalog queries, rewritten for DuckDB lists.

Why: catalog queries lean on PostgreSQL array behaviour DuckDB does not share:
'{a,b}'::text[] literals, 0-based int2vector/oidvector subscripts (indkey[0]),
information_schema._pg_expandarray and array_lower/upper. (= ANY / <> ALL over a list
DuckDB evaluates itself, so they are left alone and stay visible to pushdown.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

INT2VECTOR_COLUMNS = {"indkey", "indoption", "stxkeys", "partattrs"}
OIDVECTOR_COLUMNS = {"indclass", "indcollation", "proargtypes", "partclass", "partcollation"}
VECTOR_COLUMNS = INT2VECTOR_COLUMNS | OIDVECTOR_COLUMNS  # stored as text "1 2"; 0-based subscripts in PostgreSQL
VECTOR_MACROS = {"pgcat_int2vector", "pgcat_oidvector"}  # text -> list, created by install()


def is_vector(node: exp.Expression) -> bool:
    """An int2vector/oidvector value in list form (a vector column converted by VectorScope.as_list)."""
    return isinstance(node, exp.Anonymous) and node.name.lower() in VECTOR_MACROS


@dataclass(frozen=True)
class VectorScope:
    """Where vector columns keep their text form, and which subquery aliases carry them.

    A vector column projected by the root SELECT reaches the client as PostgreSQL's text
    ("1 2", which drivers parse); everywhere else it becomes a list. A subquery projection
    `i.indoption AS i_indoption` makes `tmp.i_indoption[...]` in the outer query a vector too.
    """

    root: exp.Select | None
    aliases: frozenset[str]

    @classmethod
    def of(cls, tree: exp.Expression) -> VectorScope:
        root: exp.Expression | None = tree
        while isinstance(root, exp.SetOperation | exp.Subquery):
            root = root.this if isinstance(root, exp.Subquery) else root.left
        root_select = root if isinstance(root, exp.Select) else None
        aliases = frozenset(
            proj.alias.lower()
            for select in tree.find_all(exp.Select) if select is not root_select
            for proj in select.expressions
            if isinstance(proj, exp.Alias) and isinstance(proj.this, exp.Column)
            and proj.this.name.lower() in VECTOR_COLUMNS
        )
        return cls(root_select, aliases)

    def as_list(self, node: exp.Column) -> exp.Expression | None:
        name = node.name.lower()
        if name not in VECTOR_COLUMNS:
            return None
        parent = node.parent
        projection = parent if isinstance(parent, exp.Alias) else node
        if projection.parent is self.root and self.root is not None and projection in self.root.expressions:
            return None
        if isinstance(parent, exp.Group) or (isinstance(parent, exp.Ordered) and isinstance(parent.parent, exp.Order)):
            return None  # grouping/ordering by the text form groups alike, and matches a projected text column
        macro = "pgcat_int2vector" if name in INT2VECTOR_COLUMNS else "pgcat_oidvector"
        return exp.Anonymous(this=macro, expressions=[node.copy()])

    def holds_vector(self, node: exp.Expression) -> bool:
        return is_vector(node) or (isinstance(node, exp.Column) and node.name.lower() in self.aliases)


def array_literal(text: str, to: exp.DataType) -> exp.Expression:
    """'{a,b}'::text[] (PostgreSQL array syntax) -> a DuckDB list of the element type."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return exp.cast(exp.Literal.string(text), to)
    items: list[tuple[str, bool]] = []  # (text, was quoted): only an unquoted NULL is a null element
    current, quoted, was_quoted, escaped = "", False, False, False
    for ch in body[1:-1]:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted, was_quoted = not quoted, True
        elif ch == "," and not quoted:
            items.append((current, was_quoted))
            current, was_quoted = "", False
        else:
            current += ch
    if body[1:-1].strip():
        items.append((current, was_quoted))
    element = to.expressions[0] if to.expressions else exp.DataType.build("text")
    values: list[exp.Expression] = [
        exp.null() if not was and item.strip().upper() == "NULL"
        else exp.cast(exp.Literal.string(item if was else item.strip()), element)
        for item, was in items
    ]
    return exp.cast(exp.Array(expressions=values), to)



UNTYPED_ARRAY = "pg_untyped_array"  # node meta: the text of an untyped array literal under ANY/ALL


def quantified_literal(node: exp.Any | exp.All) -> exp.Expression | None:
    """x = ANY('{r,v}'): an untyped string is an array literal there, of text until the other operand's type is
    known (typed_quantified_literals)."""
    inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
    if isinstance(inner, exp.Literal) and inner.is_string and inner.this.strip().startswith("{"):
        literal = array_literal(inner.this, exp.DataType.build("text[]", dialect="postgres"))
        literal.meta[UNTYPED_ARRAY] = inner.this
        return node.__class__(this=literal)
    return None


# the DuckDB element types of catalog values by PostgreSQL type OID (oid-like values are stored as UINTEGER)
_ELEMENT_TYPES = {26: "UINTEGER", 28: "UINTEGER", 24: "UINTEGER", 2205: "UINTEGER", 2206: "UINTEGER",
                  4096: "UINTEGER", 2202: "UINTEGER", 21: "SMALLINT", 23: "INTEGER", 20: "BIGINT"}


def typed_quantified_literals(tree: exp.Expression, type_of: Callable[[exp.Expression, exp.Select], int | None]
                              ) -> None:
    """`oid = ANY('{1043}')`: the untyped array literal takes the other operand's type, as PostgreSQL resolves an
    unknown-typed operand of `op ANY (array)` (Type Conversion, 10.2) — an oid[] here, not text[]."""
    for literal in list(tree.find_all(exp.Cast)):
        text = literal.meta.get(UNTYPED_ARRAY)
        quantifier = literal.parent
        comparison = quantifier.parent if quantifier is not None else None
        if not isinstance(text, str) or not isinstance(quantifier, exp.Any | exp.All) \
                or not isinstance(comparison, exp.Binary) or comparison.expression is not quantifier:
            continue
        select = comparison.parent_select
        element = _ELEMENT_TYPES.get(type_of(comparison.this, select) or 0) if select is not None else None
        if element is not None:
            literal.replace(array_literal(text, exp.DataType.build(f"{element}[]", dialect="duckdb")))


def subscript(node: exp.Bracket, vectors: VectorScope) -> exp.Expression | None:
    base = node.this
    if not vectors.holds_vector(base) or len(node.expressions) != 1:
        return None
    index = node.expressions[0]
    if isinstance(index, exp.Slice):
        return None
    literal = _int_literal(index)
    # sqlglot stores literal subscripts 0-based (PostgreSQL [1] -> 0); vectors start at [0] in PostgreSQL.
    duck_index = exp.Literal.number(literal + 2) if literal is not None else exp.Add(this=index, expression=exp.Literal.number(1))
    return exp.Anonymous(this="list_extract", expressions=[base, duck_index])



def _int_literal(node: exp.Expression) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string:
        return int(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return -int(node.this.this)
    return None




def _vector_offset(array: exp.Expression, vectors: VectorScope) -> int:
    return 1 if vectors.holds_vector(array) else 0



def expandarray(array: exp.Expression) -> exp.Expression:
    """information_schema._pg_expandarray(a): one row per element, a struct (x element, n 1-based position)."""
    i = exp.to_identifier("__pgcat_i")
    struct = exp.Struct(expressions=[
        exp.PropertyEQ(this=exp.to_identifier("x"), expression=exp.Bracket(this=array.copy(), expressions=[exp.column(i)])),
        exp.PropertyEQ(this=exp.to_identifier("n"),  # n is int4 in PostgreSQL (DuckDB's positions are BIGINT)
                       expression=exp.cast(exp.column(i), exp.DataType.build("INTEGER"))),
    ])
    positions = exp.Anonymous(this="generate_series", expressions=[
        exp.Literal.number(1), exp.Anonymous(this="len", expressions=[array.copy()])])
    transform = exp.Anonymous(this="list_transform", expressions=[positions, exp.Lambda(this=struct, expressions=[i])])
    return exp.Unnest(expressions=[transform])



def expandarray_field(node: exp.Dot) -> exp.Expression | None:
    inner = node.this.this
    if isinstance(inner, exp.Unnest):
        return exp.Dot(this=exp.Paren(this=inner), expression=node.expression)
    return None



def array_bound(name: str, array: exp.Expression, vectors: VectorScope) -> exp.Expression:
    offset = _vector_offset(array, vectors)
    length = exp.Anonymous(this="len", expressions=[array])
    integer = exp.DataType.build("INTEGER")  # array_lower/array_upper return int4
    if name == "array_lower":
        return exp.cast(exp.If(this=exp.GT(this=length, expression=exp.Literal.number(0)),
                               true=exp.Literal.number(1 - offset), false=exp.null()), integer)
    return exp.cast(exp.If(this=exp.GT(this=length.copy(), expression=exp.Literal.number(0)),
                           true=exp.Sub(this=length.copy(), expression=exp.Literal.number(offset)), false=exp.null()),
                    integer)

