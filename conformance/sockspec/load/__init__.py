"""load: reading the catalog and its companions (scenarios, references, topologies,
expectation records, implementations) into model types. Imports only model."""
