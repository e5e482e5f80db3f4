"""Cited instruments: numbered citations, their issuers, instruments cited by name."""
