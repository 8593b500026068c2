"""The 14 sys_* system tables (schema "sys", resolvable unqualified from any schema).

Call `system_providers(views, procedures, catalog)` once per database with its data views
(e.g. providers.sage200.model.load_views()) and its registered procedures. The scan context
passed to the providers must offer `.property(name)` (BrowsableSchemas, Schema …) and, for
sys_connection_props, `.properties` (a pgserver.properties.ConnectionProperties); an optional
`.database` attribute names the catalog (else `catalog`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pgserver.provider import Procedure, ProcedureSpec, Provider, TableSpec
from providers.system.base import DEFAULT_CATALOG, SYSTEM_SCHEMA, SystemTable
from providers.system.info import SysConnectionProps, SysIdentity, SysInformation, SysSqlInfo
from providers.system.keys import SysForeignKeys, SysIndexes, SysKeyColumns, SysPrimaryKeys
from providers.system.metadata import SysCatalogs, SysSchemas, SysTableColumns, SysTables
from providers.system.procedures import SysProcedureParameters, SysProcedures

__all__ = ["SYSTEM_SCHEMA", "SYSTEM_TABLE_NAMES", "SystemTable", "system_providers"]

SYSTEM_TABLE_NAMES = (
    "sys_catalogs", "sys_schemas", "sys_tables", "sys_tablecolumns", "sys_procedures",
    "sys_procedureparameters", "sys_keycolumns", "sys_foreignkeys", "sys_primarykeys", "sys_indexes",
    "sys_connection_props", "sys_sqlinfo", "sys_identity", "sys_information",
)


def system_providers(
    views: Sequence[TableSpec],
    procedures: Iterable[Procedure | ProcedureSpec] = (),
    catalog: str = DEFAULT_CATALOG,
) -> list[Provider]:
    """One provider per sys_* table, describing `views` and `procedures` of database `catalog`."""
    procs = list(procedures)
    return [
        SysCatalogs(views, catalog),
        SysSchemas(views, catalog),
        SysTables(views, catalog),
        SysTableColumns(views, catalog),
        SysProcedures(procs, catalog),
        SysProcedureParameters(procs, catalog),
        SysKeyColumns(views, catalog),
        SysForeignKeys(views, catalog),
        SysPrimaryKeys(views, catalog),
        SysIndexes(views, catalog),
        SysConnectionProps(),
        SysSqlInfo(),
        SysIdentity(),
        SysInformation(),
    ]
