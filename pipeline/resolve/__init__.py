"""Resolve: turn raw extractions into consistent rows, inside a document and across a run."""
