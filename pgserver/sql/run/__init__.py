"""Running in DuckDB and rows out: the shared DuckDB database and its sessions, PostgreSQL's functions there,
the transpile to DuckDB SQL, execution, EXPLAIN, DataRow encoding, DuckDB errors in PostgreSQL's words.
"""
