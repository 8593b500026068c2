"""The PostgreSQL v3 wire protocol, sans-IO (standard library only; no sockets, no anyio).

frontend.py     ReceiveBuffer + parsers: start-up packets and typed client messages -> frozen dataclasses
backend.py      encoders for every server message (RowDescription, DataRow, ErrorResponse …)
scram.py        SCRAM-SHA-256(-PLUS) server exchange and PostgreSQL-format verifiers
values_*.py     text/binary value codecs behind pgserver.types (numbers, datetimes, styles, arrays)
"""
