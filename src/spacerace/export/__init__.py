"""Writers of results to files: tables (CSV, Parquet)."""
