"""model: the types every layer shares (scenario, case, step and result types, errors,
paths). Imports nothing else of the harness."""
