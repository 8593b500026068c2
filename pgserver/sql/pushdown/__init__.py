"""Per Execute: WHERE conjuncts as provider quals, key lookups across joins, what each provider is asked and
takes (plan()), and the provider scans as Arrow readers DuckDB pulls.
"""
