"""Prune expired preview environments: ``manage.py healthchecks prune --expired``.

Works from Cronitor's state, not from the table, so that it runs from any environment's CI
(``main`` prunes the ``pr-*`` monitors whose own database is long gone). It lists every
monitor (``GET /monitors``, one request per page) and acts only on those that carry

- *this project's mark*: an ownership tag ``managed-by:healthcheck_admin:<PROJECT>:<env>``
  of any environment (another project's monitors, and monitors made by hand, are never ours);
- *an expiry in the past*: a well-formed ``expires:YYYY-MM-DD`` tag whose date is before today
  (UTC; see :mod:`healthcheck_admin.expiry`).

Each such monitor gets ``ON_REMOVE``: ``"pause"`` (a monitor already paused is left as it
is: no request), ``"delete"`` with ``confirm_delete`` only (``--yes``), ``"keep"`` nothing.
A listing that fails is never read as "nothing there": it raises, and nothing is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from healthcheck_admin import expiry
from healthcheck_admin.backends import get_backend
from healthcheck_admin.backends.base import BaseBackend, CronitorError
from healthcheck_admin.conf import app_settings
from healthcheck_admin.sync.history import record_event
from healthcheck_admin.sync.refresh import _key as key_of

OWNER_PREFIX = "managed-by:healthcheck_admin:"


@dataclass
class PruneReport:
    """What ``prune_expired`` did (or, with ``dry_run``, would do), key by key.

    ``expired`` lists the expired monitors of this project acted on (``action`` says how),
    ``already_paused`` those a pause would not change, ``pending_deletion`` deletions that wait
    for ``confirm_delete``, ``failed`` maps keys to readable errors. ``listed`` counts the
    monitors read and ``requests`` the HTTP requests made.
    """

    action: str
    dry_run: bool = False
    listed: int = 0
    requests: int = 0
    expired: dict[str, str] = field(default_factory=dict)  # key -> its expires: date
    already_paused: list[str] = field(default_factory=list)
    pending_deletion: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        done = "would be" if self.dry_run else "were"
        verb = {"pause": "paused", "delete": "deleted", "keep": "kept (ON_REMOVE='keep')"}[self.action]
        parts = [f"{len(self.expired)} expired monitor(s) {done} {verb}"]
        if self.already_paused:
            parts.append(f"{len(self.already_paused)} already paused")
        if self.pending_deletion:
            parts.append(f"{len(self.pending_deletion)} deletion(s) wait for --yes")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return f"{'; '.join(parts)} ({self.listed} monitor(s) read in {self.requests} request(s))"


def project_mark() -> str:
    """The start of the ownership tag of every environment of this project."""
    return f"{OWNER_PREFIX}{app_settings.PROJECT}:"


def _ours(tags: list[Any]) -> bool:
    mark = project_mark()
    return any(isinstance(tag, str) and tag.startswith(mark) and len(tag) > len(mark) for tag in tags)


def expired_monitors(backend: BaseBackend, on: dt.date) -> tuple[list[dict[str, Any]], int]:
    """(this project's monitors whose ``expires:`` date is before ``on``, monitors read); errors raise."""
    found: list[dict[str, Any]] = []
    listed = 0
    for doc in backend.iter_monitors():
        listed += 1
        tags = list(doc.get("tags") or [])
        if key_of(doc) and _ours(tags) and expiry.is_expired(tags, on):
            found.append(doc)
    return found, listed


def _act(backend: BaseBackend, key: str, action: str) -> None:
    try:
        if action == "delete":
            backend.delete(key)
        else:
            backend.pause(key)
    except CronitorError as exc:
        if exc.status != 404:  # gone meanwhile: nothing left to do
            raise


def prune_expired(*, dry_run: bool = False, confirm_delete: bool = False) -> PruneReport:
    """Pause or delete this project's expired monitors (see the module); returns what was done.

    Raises :class:`~healthcheck_admin.backends.base.CronitorError` when Cronitor cannot be listed
    (:class:`~healthcheck_admin.backends.base.RemoteUnknown` for a backend that cannot read it).
    """
    report = PruneReport(action=app_settings.ON_REMOVE, dry_run=dry_run)
    with get_backend() as backend:
        try:
            docs, report.listed = expired_monitors(backend, expiry.today())
            for doc in sorted(docs, key=key_of):
                _one(backend, doc, report, confirm_delete)
        finally:
            report.requests = backend.request_count
    return report


def _one(backend: BaseBackend, doc: dict[str, Any], report: PruneReport, confirm_delete: bool) -> None:
    key = key_of(doc)
    day = expiry.date_of(doc.get("tags") or [])
    if report.action == "pause" and doc.get("paused"):
        report.already_paused.append(key)
        return
    if report.action == "delete" and not confirm_delete:
        report.pending_deletion.append(key)
        return
    report.expired[key] = str(day)
    if report.dry_run or report.action == "keep":
        return
    try:
        _act(backend, key, report.action)
    except CronitorError as exc:
        del report.expired[key]
        report.failed[key] = exc.message
        return
    kind = "pause" if report.action == "pause" else "delete"
    past = "paused" if kind == "pause" else "deleted"
    record_event(key, kind, f"Monitor {past} on Cronitor: its environment expired on {day} (prune --expired)")
