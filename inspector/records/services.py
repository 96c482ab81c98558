"""The verdict on each declared online service (its `service/<id>` observation): one typed
record, written by the service checker and read by scoring, the review page and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import observations
from .workspace import Workspace

PREFIX = "service/"


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt at the service, as a reviewer reads it: when, why, how it ended, proof."""

    at: str | None
    started_at: str | None
    kind: str | None                # journey, report…
    purpose: str | None             # first check, re-check, reopened…
    playbook: str | None
    outcome: str | None             # ok, failed, needs_human, error (journeys/journey.py)
    failed_step: str | None = None
    reason: str | None = None
    dossier_code: str | None = None
    dossier_status: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)   # {kind, path, sha256, url}

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "started_at": self.started_at, "kind": self.kind,
                "purpose": self.purpose, "playbook": self.playbook, "ok": self.ok,
                "outcome": self.outcome, "failed_step": self.failed_step, "reason": self.reason,
                "dossier_code": self.dossier_code, "dossier_status": self.dossier_status,
                "steps": self.steps, "evidence": self.evidence}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> AttemptRecord:
        return cls(at=value.get("at"), started_at=value.get("started_at"),
                   kind=value.get("kind"), purpose=value.get("purpose"),
                   playbook=value.get("playbook"), outcome=value.get("outcome"),
                   failed_step=value.get("failed_step"), reason=value.get("reason"),
                   dossier_code=value.get("dossier_code"),
                   dossier_status=value.get("dossier_status"),
                   steps=list(value.get("steps") or []),
                   evidence=[e for e in value.get("evidence") or [] if isinstance(e, dict)])


@dataclass(frozen=True)
class ServiceVerdict:
    """Where the check of one service stands (V.4.2): recognised or not, its state, how it is
    checked, its catalogue match and every attempt."""

    recognised: bool | None         # None: not decided yet
    status: str | None              # the check's state (journeys/rules.py)
    check: str | None = None        # journey or report (V.4.2.c.iii)
    check_reason: str | None = None
    playbook: str | None = None
    catalog_code: str | None = None
    # matched in the approved catalogue (None: stored before checks recorded them)
    procedures: list[str] | None = None
    match: dict[str, Any] = field(default_factory=dict)
    next_check_at: str | None = None
    review: list[str] = field(default_factory=list)        # what a reviewer should look at
    attempts: list[AttemptRecord] = field(default_factory=list)
    reopened: dict[str, Any] | None = None                  # hậu kiểm: at, by, reason
    reason: str | None = None       # why it is not recognised, or not decided yet

    @property
    def last_attempt(self) -> AttemptRecord | None:
        return self.attempts[-1] if self.attempts else None

    def to_json(self) -> dict[str, Any]:
        """The stored value (the reason goes in the observation's own column)."""
        return {"recognised": self.recognised, "status": self.status, "check": self.check,
                "check_reason": self.check_reason, "playbook": self.playbook,
                "catalog_code": self.catalog_code, "procedures": self.procedures,
                "match": self.match, "next_check_at": self.next_check_at,
                "review": self.review, "attempts": [a.to_json() for a in self.attempts],
                **({"reopened": self.reopened} if self.reopened else {})}

    @classmethod
    def from_json(cls, value: dict[str, Any], reason: str | None = None) -> ServiceVerdict:
        return cls(recognised=value.get("recognised"), status=value.get("status"),
                   check=value.get("check"), check_reason=value.get("check_reason"),
                   playbook=value.get("playbook"), catalog_code=value.get("catalog_code"),
                   procedures=list(value["procedures"]) if "procedures" in value else None,
                   match=dict(value.get("match") or {}),
                   next_check_at=value.get("next_check_at"),
                   review=list(value.get("review") or []),
                   attempts=[AttemptRecord.from_json(a) for a in value.get("attempts") or []],
                   reopened=value.get("reopened"), reason=reason)


def put_verdict(ws: Workspace, agency_id: str, service_id: str, verdict: ServiceVerdict,
                run_id: str | None = None) -> None:
    """Store the verdict (inside the caller's transaction)."""
    observations.put(ws, agency_id, f"{PREFIX}{service_id}", verdict.to_json(),
                     reason=verdict.reason, run_id=run_id)


def verdicts(ws: Workspace, agency_id: str) -> dict[str, ServiceVerdict]:
    """Service id → its verdict, for the agency's services checked at least once."""
    return {key[len(PREFIX):]: ServiceVerdict.from_json(obs.value, obs.reason)
            for key, obs in observations.of_agency(ws, agency_id, PREFIX).items()}


def counted_procedures(verdict: ServiceVerdict | None, registered: list[str]) -> list[str]:
    """The procedures a service counts as: those its check matched in the approved catalogue
    (V.4.2.b, c.i); the register's own list until it has been checked."""
    if verdict is not None and verdict.procedures is not None:
        return verdict.procedures
    return registered
