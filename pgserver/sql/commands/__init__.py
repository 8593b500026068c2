"""Session commands, which never reach DuckDB's planner: SET/SHOW/RESET (the settings themselves are
pgserver/sql/settings.py), transaction blocks, SQL-level PREPARE/EXECUTE, cursors (DECLARE/FETCH/MOVE/CLOSE).
"""
