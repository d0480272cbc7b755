"""sockspec: the conformance harness for the socket API of socket.rst.

The engine (scenario loader, references, expectations, runner, reports, CLI) and
the environment (network namespaces, capture, tshark, agent processes, cleanup)
meet at the interfaces described in docs/harness.md.
"""

FORMAT = 1
