"""``push --verify``: wait for each changed monitor's first probe, like Cronitor's own rule.

A monitor that was created or updated is configured, not verified: it is verified once
Cronitor has probed it (``initialized`` or a ``latest_event``). :func:`verify` polls
``GET /monitors/<key>`` for the keys still waiting, until each has a result or ``wait``
seconds pass.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from healthcheck_admin.backends import get_backend
from healthcheck_admin.sync.refresh import health_of

POLL_SECONDS = 5.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$")
_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def parse_wait(text: str) -> float:
    """``"10m"`` -> 600.0; also ``"90s"``, ``"1h"``, ``"45"`` (seconds). Raises ValueError."""
    match = _DURATION.match(str(text).lower())
    if not match:
        raise ValueError(f"--wait {text!r} is not a duration; write e.g. 90s, 10m or 1h")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass
class VerifyReport:
    """``passing``/``failing`` list the keys probed; ``waiting`` those with no probe by the deadline."""

    passing: list[str] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failing and not self.waiting

    def summary(self) -> str:
        return (
            f"verify: {len(self.passing)} passing, {len(self.failing)} failing, "
            f"{len(self.waiting)} not probed yet"
        )


def verify(
    keys: Sequence[str],
    *,
    wait: float,
    poll: float = POLL_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> VerifyReport:
    """Poll until every key has had its first probe or ``wait`` seconds passed."""
    report = VerifyReport()
    pending = list(dict.fromkeys(keys))
    deadline = clock() + wait
    with get_backend() as backend:
        while pending:
            still: list[str] = []
            for key in pending:
                doc = backend.get_monitor(key)
                health, event, _ = health_of(doc)
                if doc is not None and not doc.get("initialized") and health not in ("paused", "disabled"):
                    still.append(key)  # changed, not probed since: configured, not verified
                elif health == "failing":
                    report.failing[key] = event or "failing"
                elif health in ("passing", "paused", "disabled"):
                    report.passing.append(key)
                else:
                    still.append(key)
            pending = still
            if not pending or clock() >= deadline:
                break
            sleep(min(poll, max(0.0, deadline - clock())))
    report.waiting = pending
    return report
