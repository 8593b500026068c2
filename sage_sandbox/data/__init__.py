"""Deterministic demo data for the sandbox: schemas, generators and in-memory tables."""
