"""Bulk open data: every public table as gzip'd JSONL and CSV, matched to a signed checkpoint of the record."""
