"""A local, persistent, incrementally refreshed copy of provider views (issue 12, docs/decisions/0970-mirror.md)."""
