"""A PostgreSQL-wire-compatible virtual database server over the Sage 200 REST API."""

__version__ = "0.1.0"
