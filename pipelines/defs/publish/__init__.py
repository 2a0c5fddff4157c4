"""Publish layer: the PII-free analyst snapshot."""
