"""Run the `inspector` command line in-process for tests, checking its exit code."""

from __future__ import annotations

from click.testing import CliRunner, Result

from inspector.cli import cli


def run(*args: str, code: int = 0, env: dict[str, str] | None = None,
        input: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env, input=input)
    assert result.exit_code == code, result.output
    return result


def invoke(*args: str, code: int = 0) -> str:
    """The command's output, once it has exited with ``code``."""
    return run(*args, code=code).output
