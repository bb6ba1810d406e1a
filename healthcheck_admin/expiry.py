"""Preview environments that expire: the ``expires:YYYY-MM-DD`` tag and when it is due.

With ``HEALTHCHECKS["EXPIRES_AFTER"]`` set (``"3d"``, read by the one interval grammar of
:mod:`healthcheck_admin.limits`), every monitor pushed from this environment carries the tag
``expires:YYYY-MM-DD``: the UTC date of the environment's *first push* plus ``EXPIRES_AFTER``.
The first push is recorded once, in :class:`~healthcheck_admin.models.RegistryState`
(``expiry-start:<ENVIRONMENT>``), so the date does not move from one deploy to the next and
an unchanged deploy sends nothing. Until that first push (``plan``), today stands in for it.

A monitor is *expired* once its date is before today's UTC date: it lives to the end of the
day its tag names. ``manage.py healthchecks prune --expired`` (:mod:`healthcheck_admin.sync.prune`)
pauses or deletes expired monitors of this project, from any environment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from healthcheck_admin import limits
from healthcheck_admin.conf import app_settings

TAG_PREFIX = "expires:"
STATE_PREFIX = "expiry-start:"
MIN_SECONDS = 86400  # one day: the tag names a day
MAX_SECONDS = 366 * 86400

#: The stored start of each environment, once read (it never moves): (environment -> start).
_starts: dict[str, dt.datetime] = {}


def seconds(value: object) -> float | None:
    """``EXPIRES_AFTER`` in seconds, by the interval grammar; None when unset or unreadable."""
    if not isinstance(value, str):
        return None
    return limits.interval(value)


def problem(value: object) -> str | None:
    """Why ``value`` is no ``EXPIRES_AFTER``, or None (the setting rule)."""
    expected = "None or an interval from 1 day to 366 days, such as '3d', '36h' or '2 weeks'"
    if value is None:
        return None
    found = seconds(value)
    if found is None or not MIN_SECONDS <= found <= MAX_SECONDS:
        return expected
    return None


def tag_for(day: dt.date) -> str:
    return f"{TAG_PREFIX}{day.isoformat()}"


def date_of(tags: Iterable[Any]) -> dt.date | None:
    """The earliest date of the well-formed ``expires:`` tags among ``tags``, or None."""
    found: list[dt.date] = []
    for tag in tags:
        if isinstance(tag, str) and tag.startswith(TAG_PREFIX):
            try:
                found.append(dt.date.fromisoformat(tag[len(TAG_PREFIX) :]))
            except ValueError:
                continue  # not one of ours: a malformed date is never read as expired
    return min(found) if found else None


def today() -> dt.date:
    return timezone.now().astimezone(dt.timezone.utc).date()


def is_expired(tags: Iterable[Any], on: dt.date | None = None) -> bool:
    day = date_of(tags)
    return day is not None and day < (on or today())


def _state_name() -> str:
    return f"{STATE_PREFIX}{app_settings.ENVIRONMENT}"


def _stored_start() -> dt.datetime | None:
    from healthcheck_admin.models import RegistryState

    env = app_settings.ENVIRONMENT
    if env in _starts:
        return _starts[env]
    value = RegistryState.objects.filter(name=_state_name()).values_list("value", flat=True).first()
    try:
        start = dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        start = None  # not a time we wrote: the next push records a fresh start
    if start is not None:
        _starts[env] = start
    return start


def record_start() -> None:
    """Record this environment's first push, once (called by a push that writes)."""
    from healthcheck_admin.models import RegistryState

    if seconds(app_settings.EXPIRES_AFTER) is None or _stored_start() is not None:
        return
    now = timezone.now().isoformat()
    state, created = RegistryState.objects.get_or_create(name=_state_name(), defaults={"value": now})
    if not created and _stored_start() is None:  # a value we cannot read: start afresh
        RegistryState.objects.filter(pk=state.pk).update(value=now)


def tag() -> str | None:
    """This environment's ``expires:`` tag, or None when ``EXPIRES_AFTER`` is unset."""
    after = seconds(app_settings.EXPIRES_AFTER)
    if after is None:
        return None
    start = _stored_start() or timezone.now()
    return tag_for((start + dt.timedelta(seconds=after)).astimezone(dt.timezone.utc).date())


def forget(**kwargs: Any) -> None:
    """Drop the remembered starts (on ``setting_changed``; tests, or a reset of the clock)."""
    _starts.clear()
