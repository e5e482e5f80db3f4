"""Export: tables -> CSV, Parquet and a Frictionless data package, written atomically."""
