"""The commands of tools/sockspec, one module each (cli.py registers them)."""
