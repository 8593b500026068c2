"""Shared fixtures live in tests/fixtures_*.py modules, imported here."""
