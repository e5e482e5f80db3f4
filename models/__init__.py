"""Rule tables of kehoach (data, not code): shipped in the package as kehoach.models."""
