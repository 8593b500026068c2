"""Text to statements: splitting a query string, classifying each statement, lexing session commands,
parsing with sqlglot (PostgreSQL's grammar forms), COPY's grammar.
"""
