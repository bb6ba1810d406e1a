"""How far the admin's background push got: one small record in :class:`RegistryState`.

The admin writes :func:`start` before it enqueues the push and answers at once; the
push (a task or a thread, see :mod:`healthcheck_admin.sync.tasks`) calls :func:`advance`
after each batch and :func:`finish` at the end. The changelist reads :func:`current`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from healthcheck_admin.models import RegistryState
from healthcheck_admin.sync.report import PushReport

NAME = "admin-push"
#: A push that reported nothing for this long is shown as stalled, not as running.
STALE_AFTER = timedelta(minutes=10)


@dataclass
class Progress:
    state: str = "running"  # running, done, crashed, stalled (reported as stopped after STALE_AFTER)
    done: int = 0
    total: int = 0
    user: int = 0
    synced: int = 0
    failed: int = 0
    removed: int = 0
    skipped: int = 0
    seen: bool = False
    stale: bool = False

    @property
    def running(self) -> bool:
        return self.state == "running" and not self.stale

    @property
    def stopped(self) -> bool:
        """The push ended without finishing: it crashed, or went silent for :data:`STALE_AFTER`."""
        return self.state in ("crashed", "stalled") or self.stale


#: Short names: ``RegistryState.value`` holds 128 characters.
_SHORT = {"state": "s", "done": "d", "total": "t", "user": "u", "synced": "ok", "failed": "f"}
_SHORT.update({"removed": "r", "skipped": "k", "seen": "v"})
_LONG = {short: name for name, short in _SHORT.items()}


def _write(progress: Progress) -> None:
    values = {_SHORT[name]: value for name, value in asdict(progress).items() if name in _SHORT}
    values["v"] = int(progress.seen)
    value = json.dumps(values, separators=(",", ":"))
    RegistryState.objects.update_or_create(name=NAME, defaults={"value": value[:128]})


def start(total: int, user: int) -> None:
    _write(Progress(total=total, user=user))


def advance(done: int, total: int) -> None:
    found = current()
    progress = found if found is not None else Progress()
    progress.done, progress.total = done, max(total, progress.total)
    _write(progress)


def finish(report: PushReport) -> None:
    found = current() or Progress()
    found.state, found.done = "done", found.total
    found.synced, found.failed = len(report.synced), len(report.failed)
    found.removed, found.skipped = len(report.removed), report.skipped
    _write(found)


def crash() -> None:
    found = current() or Progress()
    found.state = "crashed"
    _write(found)


def mark_seen(progress: Progress) -> None:
    """Record that the outcome was shown. Writing refreshes the row's timestamp, so a push reported
    as stalled is stored as ``stalled``: it must never look running again (and block new pushes)."""
    progress.seen = True
    if progress.state == "running" and progress.stale:
        progress.state, progress.stale = "stalled", False
    _write(progress)


def current() -> Progress | None:
    """The last push's progress, or None when the admin never pushed (one query)."""
    row = RegistryState.objects.filter(name=NAME).values_list("value", "updated").first()
    if row is None:
        return None
    try:
        data: dict[str, Any] = json.loads(row[0])
        progress = Progress(**{_LONG[short]: value for short, value in data.items()})
        progress.seen = bool(progress.seen)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    progress.stale = progress.state == "running" and timezone.now() - row[1] > STALE_AFTER
    return progress
