"""sockspec: the conformance harness for the socket API of the socket module reference
(Python 3.2), whose entries conformance/api/socket-api.toml lists.

Layers, each importing only from those below it (docs/architecture.md):
model (types, statuses, paths) < load (scenarios, topologies, expectations,
implementations) < env (namespaces, capture, actors, tshark, requirements, clean-up)
< engine (scheduling, case execution, checks, verdicts) < report < cli.
"""

FORMAT = 1
