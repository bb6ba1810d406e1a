"""Snoozes: Cronitor's timed pause (``GET /monitors/{key}/pause/{hours}``) for on-call staff.

:func:`snooze` records the expiry and a history entry at once (no network); the pause
itself is sent by :func:`pause_remote`, off the request. While ``snoozed_until`` lies
ahead, the payload leaves ``paused`` out, so that no push ends the pause early; once
it has passed, :func:`clear_expired` forgets it (Cronitor has resumed the monitor).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from healthcheck_admin.backends import get_backend
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent

logger = logging.getLogger(__name__)
MAX_HOURS = 168


def snooze(rows: QuerySet[HealthcheckDefinition], hours: int, actor: str) -> list[str]:
    """Record a snooze of ``hours`` on ``rows``; returns their keys (to pause on Cronitor)."""
    until = timezone.now() + timedelta(hours=hours)
    found = list(rows.values_list("pk", "key"))
    HealthcheckDefinition.objects.filter(pk__in=[pk for pk, _ in found]).update(snoozed_until=until)
    HealthcheckEvent.objects.bulk_create(
        HealthcheckEvent(
            definition_id=pk,
            key=key,
            kind=HealthcheckEvent.KIND.snooze,
            message=f"paused for {hours} h, until {until:%Y-%m-%d %H:%M} UTC",
            detail={"hours": hours, "until": until.isoformat()},
            actor=actor,
        )
        for pk, key in found
    )
    return [key for _, key in found]


def pause_remote(keys: list[str], hours: int) -> None:
    """Send the timed pause for each key; a failure is logged and written to the row's history."""
    with get_backend() as backend:
        for key in keys:
            try:
                backend.pause_for(key, hours)
            except Exception as exc:
                logger.warning("Snoozing monitor %r failed: %s", key, exc)
                HealthcheckEvent.objects.create(
                    definition=HealthcheckDefinition.objects.filter(key=key).first(),
                    key=key,
                    kind=HealthcheckEvent.KIND.snooze,
                    message=f"the pause was not sent to Cronitor: {exc}"[:500],
                )


def clear_expired() -> int:
    """Forget snoozes whose time is up; returns how many rows it cleared.

    A page load calls this, so it reads first and writes only when a snooze has expired: an
    ``UPDATE`` matching nothing still takes SQLite's write lock, against a background push.
    """
    expired = HealthcheckDefinition.objects.filter(snoozed_until__lte=timezone.now())
    if not expired.exists():
        return 0
    return int(expired.update(snoozed_until=None))
