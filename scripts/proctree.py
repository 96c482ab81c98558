"""A process and its descendants, read from /proc (psutil is not installed), for benchmarks."""

from __future__ import annotations

import os
from pathlib import Path


def processes() -> dict[int, tuple[int, list[str]]]:
    """pid → (ppid, argv) of every process we may read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        found[int(entry)] = (ppid, [a.decode(errors="replace") for a in argv if a])
    return found


def descendants(root: int, procs: dict[int, tuple[int, list[str]]]) -> list[int]:
    """Every process below ``root`` (not itself)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far (0 when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2:].split()      # from the state, after the command name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
