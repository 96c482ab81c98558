"""The workspace database: WAL, foreign keys, schema version and forward migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inspector.model.errors import UserError
from inspector.records.workspace import SCHEMA_VERSION, Workspace


def test_new_workspace_has_folders_wal_foreign_keys_and_version(tmp_path: Path):
    ws = Workspace(tmp_path / "w")
    assert (tmp_path / "w" / "evidence").is_dir() and (tmp_path / "w" / "screenshots").is_dir()
    assert ws.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ws.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ws.schema_version == SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError):
        ws.db["services"].insert({"id": "x", "agency_id": "nobody", "name": "n", "level": 3})
    ws.close()


def test_reopening_does_not_migrate_again(tmp_path: Path):
    ws = Workspace(tmp_path)
    ws.db["agencies"].insert({"id": "a", "name": "A", "level": "province"})
    ws.close()
    again = Workspace(tmp_path)
    assert [r["id"] for r in again.db["agencies"].rows] == ["a"]
    again.close()


def test_a_newer_database_is_refused_untouched(tmp_path: Path):
    Workspace(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "inspector.db")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="mới hơn bản inspector này"):
        Workspace(tmp_path)


def test_transaction_rolls_back_everything(tmp_path: Path):
    ws = Workspace(tmp_path)
    with pytest.raises(RuntimeError):
        with ws.transaction():
            ws.db["agencies"].insert({"id": "a", "name": "A", "level": "province"})
            ws.audit("test", "insert", "a")
            raise RuntimeError("half-way")
    assert ws.db["agencies"].count == 0 and ws.db["audit_log"].count == 0
    ws.close()
