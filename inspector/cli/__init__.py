"""The `inspector` command line: a thin click layer over the Python API, one module per group
of commands (app.py holds the group and what every command shares)."""

from __future__ import annotations

from . import inputs, night, people, province, results
from .app import cli

# Importing each module adds its commands to the group.
COMMAND_MODULES = (inputs, night, people, province, results)


def main() -> None:
    cli()
