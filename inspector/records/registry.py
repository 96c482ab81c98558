"""The register as stored (province, agencies, services, catalog): the only code touching those
tables. register/importer.py decides what to write; everyone else reads through here."""

from __future__ import annotations

from typing import Any

from ..model.errors import UserError
from .workspace import Workspace, utcnow

# table → its primary key
TABLES = {"province": "id", "agencies": "id", "services": "id", "catalog": "code"}


def stored(ws: Workspace, table: str, key: Any) -> dict[str, Any] | None:
    """The row of a register table under ``key``, or None."""
    return next(ws.db[table].rows_where(f"{TABLES[table]} = ?", [key]), None)


def upsert(ws: Workspace, table: str, row: dict[str, Any]) -> None:
    """Add or replace a register row (inside the caller's transaction)."""
    ws.db[table].upsert(row, pk=TABLES[table])


def agencies(ws: Workspace, agency_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The register's agencies in id order, or only those named; an unknown id or an empty
    register is the user's error, named in one line."""
    rows = all_agencies(ws)
    if agency_ids:
        known = {r["id"] for r in rows}
        for agency_id in agency_ids:
            if agency_id not in known:
                raise UserError(f"không có cơ quan {agency_id!r} trong danh mục")
        rows = [r for r in rows if r["id"] in agency_ids]
    if not rows:
        raise UserError("danh mục chưa có cơ quan nào: hãy chạy 'inspector registry import' "
                        "trước")
    return rows


def all_agencies(ws: Workspace, level: str | None = None) -> list[dict[str, Any]]:
    """Every agency in id order (only one level's, if named); none is no error."""
    where, args = ("level = ?", [level]) if level else (None, None)
    return list(ws.db["agencies"].rows_where(where, args, order_by="id"))


def agency(ws: Workspace, agency_id: str) -> dict[str, Any] | None:
    return stored(ws, "agencies", agency_id)


def communes_of(ws: Workspace, district_id: str) -> list[dict[str, Any]]:
    """A district's communes in id order."""
    return list(ws.db["agencies"].rows_where("parent = ? and level = 'commune'",
                                             [district_id], order_by="id"))


def services(ws: Workspace, agency_id: str | None = None) -> list[dict[str, Any]]:
    """The declared services not withdrawn, in id order (one agency's, if named)."""
    where, args = "withdrawn_at is null", []
    if agency_id is not None:
        where, args = "agency_id = ? and " + where, [agency_id]
    return list(ws.db["services"].rows_where(where, args, order_by="id"))


def withdraw_service(ws: Workspace, service_id: str) -> None:
    """The register no longer declares the service (its checks and attempts are kept)."""
    ws.db["services"].update(service_id, {"withdrawn_at": utcnow()})


def province(ws: Workspace) -> dict[str, Any] | None:
    """The province's row (name, TTHC total), if the register gave one."""
    return stored(ws, "province", 1)


def catalog(ws: Workspace) -> list[dict[str, Any]]:
    """The approved TTHC catalogue, by code."""
    return list(ws.db["catalog"].rows_where(order_by="code"))
