"""sockspec: the conformance harness for the socket API of the socket module reference
(Python 3.2), whose entries conformance/api/socket-api.toml lists.

The engine (scenario loader, references, expectations, runner, reports, CLI) and
the environment (network namespaces, capture, tshark, agent processes, cleanup)
meet at the interfaces described in docs/harness.md.
"""

FORMAT = 1
