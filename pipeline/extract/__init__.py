"""Extractors: components that find things in a document's normalized text."""
