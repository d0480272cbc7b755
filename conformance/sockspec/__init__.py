"""sockspec: the conformance harness for the socket API of socket.rst.

Layers, each importing only from those below it (docs/architecture.md):
model (types, statuses, paths) < load (scenarios, topologies, expectations,
implementations) < env (namespaces, capture, actors, tshark, requirements, clean-up)
< engine (scheduling, case execution, checks, verdicts) < report < cli.
"""

FORMAT = 1
