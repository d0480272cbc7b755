"""env: the machine side of a case (namespaces, capture, pcapng, clean-up, agent and
program processes, requirements). Imports only model and load."""
