"""report: what a run writes and shows (results files, live display, behaviours,
matrix, coverage). Imports every layer below it, never the CLI."""
