"""engine: scheduling, executing cases, judging answers and captures, folding
expectation records. Imports model, load and env."""
