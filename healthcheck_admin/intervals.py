"""The interval grammar, standard library only: ``2s``, ``600ms``, ``5 min`` (assertions),
``every 60 seconds`` (a check's ``schedule``) and ``every 8 hours`` (``realert_interval``).

:mod:`healthcheck_admin.limits` re-exports these names; import them from there.
"""

from __future__ import annotations

import math
import re

INTERVAL_RE = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]*)", re.ASCII)
_UNIT_GROUPS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("ms", "msec", "msecs", "millisecond", "milliseconds"), 0.001),
    (("s", "sec", "secs", "second", "seconds"), 1.0),
    (("min", "mins", "minute", "minutes"), 60.0),
    (("h", "hr", "hrs", "hour", "hours"), 3600.0),
    (("d", "day", "days"), 86400.0),
    (("w", "week", "weeks"), 604800.0),
)
#: Interval units (lower case) and their length in seconds.
UNITS: dict[str, float] = {name: seconds for names, seconds in _UNIT_GROUPS for name in names}


def interval(text: str) -> float | None:
    """Seconds in ``2s``, ``600ms``, ``.25s``, ``5 min`` or ``30 days``; None if unreadable."""
    match = INTERVAL_RE.fullmatch(text.strip())
    if match is None or match.group(2).lower() not in UNITS:
        return None
    seconds = float(match.group(1)) * UNITS[match.group(2).lower()]
    return seconds if math.isfinite(seconds) else None


def schedule_seconds(text: str) -> int | None:
    """Whole seconds in a check's schedule, ``every 60 seconds`` or ``every 5 min``; None if unreadable."""
    head, _, rest = text.strip().partition(" ")
    seconds = interval(rest) if head.lower() == "every" else None
    if seconds is None or seconds != int(seconds):
        return None
    return int(seconds)
