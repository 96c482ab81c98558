"""The command line as one surface: every option explains itself, `-o` is always the one file a
command writes and `--out` the folder of one that writes several, and a mistyped `-w` creates
nothing."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from inspector.cli import cli
from tests.cli import invoke

DATA = Path(__file__).parent / "data"


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, path + (name,))
    else:
        yield " ".join(path), command


COMMANDS = dict(_commands(cli))


def _options(command: click.Command):
    return [p for p in command.params if isinstance(p, click.Option)]


def test_every_option_of_every_command_has_help():
    missing = [f"{name} {option.opts[0]}" for name, command in COMMANDS.items()
               for option in _options(command) if not option.help]
    assert not missing


def test_every_command_has_an_example():
    assert not [name for name, command in COMMANDS.items()
                if "Example: inspector" not in (command.help or "")]


def test_dash_o_is_a_file_and_out_a_folder_everywhere():
    for name, command in COMMANDS.items():
        for option in _options(command):
            if "-o" in option.opts:
                assert isinstance(option.type, click.Path) and not option.type.dir_okay, name
            if "--out" in option.opts:
                assert isinstance(option.type, click.Path) and not option.type.file_okay, name


@pytest.mark.parametrize("args", [
    ("score",), ("export",), ("rankings",), ("runs",), ("users", "list"), ("verify",),
    ("survey", "import", str(DATA / "register.yaml")),
])
def test_a_mistyped_workspace_creates_nothing_and_says_so(tmp_path: Path, args):
    missing, empty = tmp_path / "khong-co", tmp_path / "trong"
    empty.mkdir()
    for folder in (missing, empty):
        output = invoke(*args, "-w", str(folder), code=1)
        assert output.startswith(f"Lỗi: không có workspace ở {folder}"), output
        assert "inspector registry import -w" in output
    assert not missing.exists() and not any(empty.iterdir())


def test_the_register_import_starts_a_workspace(tmp_path: Path):
    invoke("registry", "import", "-w", str(tmp_path / "moi"), str(DATA / "register.yaml"))
    assert (tmp_path / "moi" / "inspector.db").is_file()
    assert "3 cơ quan" in invoke("score", "-w", str(tmp_path / "moi"))
