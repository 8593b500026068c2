"""Binding a parsed query once, at Parse: names to relations and procedures (one scan slot per table
reference), parameters and their types, PostgreSQL's type rules, output names and result types, where each
result column comes from. The result is a BoundQuery (bound_query.py).
"""
