"""The emulator's simulated health: probes, first-probe verification, timed pauses and the quota.

Cronitor reports read-only health on every monitor document (``passing``, ``paused``, ``disabled``,
``initialized``, ``latest_event``; reference §5.3). The emulator never sends real requests; it keeps
these fields by the rules below, which :class:`~healthcheck_admin.testing._state.EmulatorState` applies
after each write and before each read:

- A monitor that an API write created or changed (any writable field but ``paused``) is unverified
  until its next probe: ``initialized`` is false and ``latest_event`` keeps its older stamp.
- A probe sets ``passing``, ``initialized`` and ``latest_event`` (with ``stamp`` in Unix seconds).
- With a ``monitor_quota``, a monitor created while the quota is used up is saved ``disabled``; it
  is never probed and stays disabled until ``set_health(key, disabled=False)``.
- A timed pause (``/pause/{hours}``) ends at its expiry: ``paused`` turns false on the next request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthcheck_admin.testing._validation import READ_ONLY_FIELDS

#: Writable fields whose change does not call for a new probe.
NOT_A_CHANGE = frozenset({"paused"})
#: How many events each monitor keeps for ``?withEvents=true``.
EVENTS_KEPT = 10
HEALTH_FIELDS = ("passing", "paused", "disabled", "initialized")


def config_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The writable configuration of a document: what a change is measured on."""
    return {
        name: value
        for name, value in doc.items()
        if name not in READ_ONLY_FIELDS and name not in NOT_A_CHANGE
    }


def changed_keys(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Keys of ``after`` that are new, or whose configuration differs from ``before``.

    A write shares the documents it did not touch with ``before``; only the others are compared.
    """
    return [
        key
        for key, doc in after.items()
        if doc is not before.get(key) and (key not in before or config_of(before[key]) != config_of(doc))
    ]


def apply_quota(
    before: Mapping[str, Mapping[str, Any]], after: dict[str, dict[str, Any]], quota: int | None
) -> list[str]:
    """Save monitors created beyond ``quota`` disabled (in ``after``); the keys so disabled."""
    if quota is None:
        return []
    active = sum(1 for key, doc in after.items() if key in before and not doc.get("disabled"))
    disabled: list[str] = []
    for key, doc in after.items():
        if key in before or doc.get("disabled"):
            continue
        if active >= quota:
            doc["disabled"] = True
            disabled.append(key)
        else:
            active += 1
    return disabled


def quota_report(
    quota: int, monitors: Mapping[str, Mapping[str, Any]], disabled: list[str]
) -> dict[str, Any]:
    """The ``monitor_quota`` object of a reply that saved monitors disabled (the emulator's shape)."""
    active = sum(1 for doc in monitors.values() if not doc.get("disabled"))
    return {
        "limit": quota,
        "active": active,
        "disabled": list(disabled),
        "message": (
            f"Your plan allows {quota} active monitors; {len(disabled)} monitor(s) were saved disabled: "
            f"{', '.join(disabled)}. Upgrade the plan or remove monitors, then enable them."
        ),
    }


def probe_event(passing: bool, stamp: float, message: str | None, duration: float) -> dict[str, Any]:
    """A ``latest_event`` for one probe, shaped like the reference's fixture (§5.3)."""
    return {
        "stamp": round(stamp, 3),
        "event": "complete" if passing else "fail",
        "msg": message,
        "metrics": {"duration": duration},
        "host": None,
        "ip": None,
        "client": "cronitor-emulator",
    }


def record_probe(
    doc: dict[str, Any],
    events: list[dict[str, Any]],
    passing: bool,
    stamp: float,
    message: str | None,
    duration: float,
) -> None:
    """Apply one probe result to ``doc`` (in place) and keep its event, newest first."""
    event = probe_event(passing, stamp, message, duration)
    doc["passing"] = passing
    doc["initialized"] = True
    doc["latest_event"] = event
    events.insert(0, dict(event))
    del events[EVENTS_KEPT:]


def check_health_fields(fields: Mapping[str, Any]) -> None:
    """Refuse fields ``set_health`` does not know, and non-boolean flags."""
    unknown = sorted(set(fields) - set(HEALTH_FIELDS))
    if unknown:
        raise TypeError(f"set_health() got unknown field {unknown[0]!r}; use {', '.join(HEALTH_FIELDS)}")
    for name, value in fields.items():
        if not isinstance(value, bool):
            raise TypeError(f"set_health({name}=...) takes True or False, got {value!r}")
