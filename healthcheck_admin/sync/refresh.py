"""Read Cronitor before deciding: the remote copy of every monitor we own or have a row for.

:func:`read_remote` lists ``GET /monitors`` page by page (one request per page, no more) and
keeps each monitor that carries this project's ownership tag or whose key is in the table.
A listing error raises :class:`~healthcheck_admin.backends.base.CronitorError`; a backend that
cannot read Cronitor raises :class:`~healthcheck_admin.backends.base.RemoteUnknown`. Neither
is ever read as "nothing there".

:func:`store` writes the masked remote copy and Cronitor's read-only health on each row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from healthcheck_admin.backends.base import BaseBackend, CronitorError, RemoteUnknown
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import mask_monitor, secret_values

HEALTH = HealthcheckDefinition.HEALTH
STATUS = HealthcheckDefinition.STATUS
DISABLED_MESSAGE = (
    "Cronitor saved this monitor disabled, so it is not probed (usually the account is over its "
    "plan's monitor limit); raise the limit or remove monitors, then push again"
)
#: Rows per ``UPDATE`` of ``health_read_at`` (under SQLite's limit of bound parameters).
READ_BATCH = 500
STORED = ("remote_payload", "health", "health_event", "health_event_at", "health_read_at")


@dataclass
class RemoteState:
    """``monitors``: the remote documents by key (raw: never store or show them unmasked).

    ``lookalikes``: (METHOD, url) -> key of remote checks that are neither ours nor in the table.
    """

    monitors: dict[str, dict[str, Any]] = field(default_factory=dict)
    lookalikes: dict[tuple[str, str], str] = field(default_factory=dict)
    listed: int = 0
    requests: int = 0

    def owned(self, key: str) -> bool | None:
        """True when the remote copy carries our tag, False when not, None when it is gone."""
        doc = self.monitors.get(key)
        if doc is None:
            return None
        return app_settings.OWNERSHIP_TAG in (doc.get("tags") or [])


def _key(doc: dict[str, Any]) -> str:
    attributes = doc.get("attributes")
    found = doc.get("key") or (attributes.get("key") if isinstance(attributes, dict) else None)
    return str(found or "")


def read_remote(backend: BaseBackend, keys: Iterable[str]) -> RemoteState:
    """Every remote monitor with our ownership tag or a key in ``keys``; errors raise."""
    wanted = set(keys)
    tag = app_settings.OWNERSHIP_TAG
    state = RemoteState()
    start = backend.request_count
    try:
        for doc in backend.iter_monitors():
            state.listed += 1
            key = _key(doc)
            if key in wanted or tag in (doc.get("tags") or []):
                state.monitors[key] = doc
            elif doc.get("type") == "check" and isinstance(doc.get("request"), dict):
                request = doc["request"]
                state.lookalikes[(str(request.get("method") or "GET").upper(), str(request.get("url")))] = key
    except RemoteUnknown:
        raise
    except CronitorError as exc:  # a server may echo anything: never let it carry a secret on
        for row in HealthcheckDefinition.objects.filter(key__in=wanted).only("headers", "cookies"):
            backend.hide(secret_values(row.headers, row.cookies))
        raise CronitorError(
            f"cannot read the monitors on Cronitor: {backend.scrub(exc.message)}",
            permanent=exc.permanent,
            status=exc.status,
        ) from None
    state.requests = backend.request_count - start
    return state


def health_of(doc: dict[str, Any] | None) -> tuple[str, str, dt.datetime | None]:
    """(health, latest event, its time) by the reference's rule: disabled, paused, failing, passing.

    A monitor that has not had its first probe (not ``initialized``, no ``latest_event``) is unknown.
    """
    if doc is None:
        return HEALTH.unknown, "", None
    event = doc.get("latest_event") if isinstance(doc.get("latest_event"), dict) else None
    text, at = "", None
    if event:
        text = " ".join(str(part) for part in (event.get("event"), event.get("msg")) if part)[:200]
        try:
            at = dt.datetime.fromtimestamp(float(event["stamp"]), tz=dt.timezone.utc)
        except (KeyError, TypeError, ValueError, OverflowError):
            at = None
    if doc.get("disabled"):
        return HEALTH.disabled, text, at
    if doc.get("paused"):
        return HEALTH.paused, text, at
    if doc.get("passing") is False:
        return HEALTH.failing, text, at
    if not doc.get("initialized") and not event:
        return HEALTH.unknown, text, at
    return HEALTH.passing, text, at


def _disabled_status(row: HealthcheckDefinition, doc: dict[str, Any] | None) -> None:
    """A synced row Cronitor holds disabled becomes ``disabled``; re-enabled, it is synced again."""
    if doc is not None and doc.get("disabled") and row.status == STATUS.synced:
        row.status, row.last_error = STATUS.disabled, DISABLED_MESSAGE
    elif doc is not None and not doc.get("disabled") and row.status == STATUS.disabled:
        row.status, row.last_error = STATUS.synced, ""


def store(rows: Iterable[HealthcheckDefinition], state: RemoteState) -> int:
    """Write the masked remote copy and the health on ``rows`` (and ``disabled``); returns rows written.

    Only these columns are written (no signals, the revision is untouched): ``bulk_update`` for
    the rows whose remote copy or health changed, one ``UPDATE`` of ``health_read_at`` per
    ``READ_BATCH`` rows for the rest (a refresh that finds nothing new is not a per-row write).
    """
    now = timezone.now()
    written: list[HealthcheckDefinition] = []
    read: list[int] = []
    flipped: list[HealthcheckDefinition] = []
    for row in rows:
        doc = state.monitors.get(row.key)
        health, event, event_at = health_of(doc)
        payload = mask_monitor(doc, stored=row.headers) if doc is not None else None
        before = (row.remote_payload, row.health, row.health_event, row.health_event_at)
        row.remote_payload = payload
        row.health, row.health_event, row.health_event_at = health, event, event_at
        row.health_read_at = now
        if before != (payload, health, event, event_at):
            written.append(row)
        else:
            read.append(row.pk)
        status = row.status
        _disabled_status(row, doc)
        if row.status != status:
            flipped.append(row)
    HealthcheckDefinition.objects.bulk_update(written, list(STORED), batch_size=500)
    for start in range(0, len(read), READ_BATCH):
        HealthcheckDefinition.objects.filter(pk__in=read[start : start + READ_BATCH]).update(
            health_read_at=now
        )
    HealthcheckDefinition.objects.bulk_update(flipped, ["status", "last_error"], batch_size=500)
    return len(written) + len(read)


def refresh(rows: Iterable[HealthcheckDefinition] | None = None) -> RemoteState:
    """Read Cronitor and store remote copy and health on ``rows`` (every row when None).

    Raises :class:`~healthcheck_admin.backends.base.CronitorError` when Cronitor cannot be
    read, and :class:`~healthcheck_admin.backends.base.RemoteUnknown` for a local backend.
    """
    from healthcheck_admin.backends import get_backend

    selected = list(HealthcheckDefinition.objects.all() if rows is None else rows)
    with get_backend() as backend:
        state = read_remote(backend, [row.key for row in selected])
    store(selected, state)
    return state
