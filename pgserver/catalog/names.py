"""Name <-> OID resolution with PostgreSQL's rules (search_path, quoting, case folding).

Why separate: ::regclass casts, to_regclass(), pg_table_is_visible() and regclass
output all need the same search_path logic, applied against the live session.
Unquoted names fold to lower case as in PostgreSQL; because our schemas and tables
keep their declared mixed case, an unmatched name falls back to a unique
case-insensitive match (so 'standarduk.customers'::regclass works).
"""

from __future__ import annotations

from pgserver import types as pgtypes
from pgserver.catalog.catalog import Catalog, quote_ident_if_needed
from pgserver.catalog.catalog_session import CatalogSession, split_identifiers
from pgserver.errors import (
    INVALID_SCHEMA_NAME,
    SYNTAX_ERROR,
    UNDEFINED_FUNCTION,
    UNDEFINED_OBJECT,
    UNDEFINED_TABLE,
    PgError,
)


def split_qualified(text: str) -> list[str]:
    """'"My Schema".tab' -> ['My Schema', 'tab']: dots outside quotes separate, unquoted parts fold."""
    parts, unterminated = split_identifiers(text.strip(), ".")
    if unterminated or any(p == "" for p in parts):
        raise PgError(SYNTAX_ERROR, f'invalid name syntax: "{text.strip()}"')
    return parts


class NameResolver:
    def __init__(self, catalog: Catalog, session: CatalogSession) -> None:
        self.cat = catalog
        self.session = session

    # -- search path ----------------------------------------------------------------------
    def effective_path(self, implicit: bool = True) -> list[str]:
        """current_schemas(implicit): existing schemas of search_path, pg_catalog first when implicit."""
        # a schema of search_path that does not exist as written still matches one that exists in another case,
        # when it is the only one (decision 0602), as table names do
        explicit = [m for m in (self._match_schema(s) for s in self.session.search_path()) if m is not None]
        if implicit and "pg_catalog" not in explicit:
            return ["pg_catalog", *explicit]
        return explicit

    def _schemas_for(self, parts: list[str]) -> list[str]:
        if len(parts) == 1:
            return self.effective_path()
        schema = self._match_schema(parts[-2])
        if schema is None:
            raise PgError(INVALID_SCHEMA_NAME, f'schema "{parts[-2]}" does not exist')
        return [schema]

    def _match_schema(self, name: str) -> str | None:
        if name in self.cat.namespaces:
            return name
        found = [s for s in self.cat.namespaces if s.lower() == name.lower()]
        return found[0] if len(found) == 1 else None

    def _lookup(self, table: dict[tuple[str, str], int], parts: list[str]) -> int | None:
        schemas = self._schemas_for(parts)
        name = parts[-1]
        for schema in schemas:
            if (schema, name) in table:
                return table[(schema, name)]
        for schema in schemas:
            found = [o for (s, n), o in table.items() if s == schema and n.lower() == name.lower()]
            if len(found) == 1:
                return found[0]
        return None

    # -- text -> oid ---------------------------------------------------------------------
    def relation_oid(self, text: str, missing_ok: bool = False) -> int | None:
        if text.isdigit():
            return int(text)
        try:
            oid = self._lookup(self.cat.class_by_name, split_qualified(text))
        except PgError:
            if missing_ok:
                return None
            raise
        if oid is None and not missing_ok:
            raise PgError(UNDEFINED_TABLE, f'relation "{text}" does not exist')
        return oid

    def type_oid(self, text: str, missing_ok: bool = False) -> int | None:
        if text.isdigit():
            return int(text)
        try:
            return pgtypes.type_for_sql(text)[0].oid
        except PgError:
            pass
        try:
            parts = split_qualified(text.removesuffix("[]"))
            oid = self._lookup(self.cat.type_by_name, parts)
        except PgError:
            oid = None
        if oid is not None and text.endswith("[]"):
            oid = self.cat.types[oid]["typarray"] or None
        if oid is None and not missing_ok:
            raise PgError(UNDEFINED_OBJECT, f'type "{text}" does not exist')
        return oid

    def proc_oid(self, text: str, missing_ok: bool = False) -> int | None:
        if text.isdigit():
            return int(text)
        name = text.split("(")[0]
        try:
            parts = split_qualified(name)
            candidates = [o for s in self._schemas_for(parts) for o in self.cat.proc_by_name.get((s, parts[-1]), [])]
        except PgError:
            candidates = []
        if len(candidates) == 1:
            return candidates[0]
        if missing_ok:
            return None
        if candidates:
            raise PgError("42725", f'more than one function named "{name}"')
        raise PgError(UNDEFINED_FUNCTION, f'function "{name}" does not exist')

    def namespace_oid(self, text: str, missing_ok: bool = False) -> int | None:
        if text.isdigit():
            return int(text)
        parts = split_qualified(text)
        schema = self._match_schema(parts[-1]) if len(parts) == 1 else None
        if schema is None:
            if missing_ok:
                return None
            raise PgError(UNDEFINED_OBJECT, f'schema "{text}" does not exist')
        return self.cat.namespaces[schema]

    def role_oid(self, text: str, missing_ok: bool = False) -> int | None:
        if text.isdigit():
            return int(text)
        if split_qualified(text)[-1] in (self.session.user, self.session.user.lower()):
            return 10
        if missing_ok:
            return None
        raise PgError(UNDEFINED_OBJECT, f'role "{text}" does not exist')

    # -- oid -> text ---------------------------------------------------------------------
    def relation_name(self, oid: int) -> str:
        return self.cat.qualified_class_name(oid, self.effective_path()) or str(oid)

    def proc_name(self, oid: int) -> str:
        found = self.cat.procs.get(oid)
        if found is None:
            return "-" if oid == 0 else str(oid)
        nsp, name = found
        schema = self.cat.namespace_names[nsp]
        quoted = quote_ident_if_needed(name, self.cat.keyword_categories)
        if self.proc_visible(oid):
            return quoted
        return f"{quote_ident_if_needed(schema, self.cat.keyword_categories)}.{quoted}"

    def type_name(self, oid: int) -> str:
        row = self.cat.types[oid]
        name = quote_ident_if_needed(row["typname"], self.cat.keyword_categories)
        if self.type_visible(oid):
            return name
        schema = self.cat.namespace_names[row["typnamespace"]]
        return f"{quote_ident_if_needed(schema, self.cat.keyword_categories)}.{name}"

    # -- visibility -----------------------------------------------------------------------
    def _visible(self, table: dict[tuple[str, str], int], nsp: int, name: str, oid: int) -> bool:
        for schema in self.effective_path():
            found = table.get((schema, name))
            if found is not None:
                return found == oid
        return False

    def class_visible(self, oid: int) -> bool | None:
        info = self.cat.classes.get(oid)
        return None if info is None else self._visible(self.cat.class_by_name, info.namespace_oid, info.name, oid)

    def type_visible(self, oid: int) -> bool | None:
        row = self.cat.types.get(oid)
        if row is None:
            return None
        return self._visible(self.cat.type_by_name, row["typnamespace"], row["typname"], oid)

    def proc_visible(self, oid: int) -> bool | None:
        found = self.cat.procs.get(oid)
        if found is None:
            return None
        nsp, name = found
        for schema in self.effective_path():
            if self.cat.proc_by_name.get((schema, name)):
                return self.cat.namespace_names[nsp] == schema
        return False
