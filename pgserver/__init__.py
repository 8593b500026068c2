"""A PostgreSQL-wire-compatible virtual database server over the Sage 200 REST API."""

__version__ = "0.1.0"

# The PostgreSQL version clients are told (server_version, version()); our own version after it.
SERVER_VERSION = f"15.8 (sage200-pgserver {__version__.rsplit('.', 1)[0]})"
