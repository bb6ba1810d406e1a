"""The three-way comparison: declared (the row) vs last pushed (``pushed_payload``) vs remote.

Like ``kubectl apply`` with its last-applied configuration:

* a field we *own* is one the row sets, or one we pushed before and must now clear;
* an owned field whose remote value differs is repaired; the change came from the code when
  the declared value differs from the last pushed one, from the dashboard when the remote
  value does, and is a *conflict* (code wins) when both do;
* every other field is left alone: never sent, so the dashboard's value survives;
* tags are merged: ours, plus every remote tag we did not push ourselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from healthcheck_admin.redaction import mask_monitor
from healthcheck_admin.sync.drift import _normal
from healthcheck_admin.sync.payload import Monitor, PayloadError, flatten, resolve
from healthcheck_admin.tracking import json_copy

#: The value that clears a field we pushed before and no longer set.
CLEAR: dict[str, Any] = {
    "notify": ["default"],
    "note": "",
    "paused": False,
    "failure_tolerance": 0,
    "realert_interval": "every 8 hours",
    "group": None,
    "assertions": [],
    "request.headers": {},
    "request.cookies": {},
    "request.body": "",
    "request.regions": [],
}
if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition

IDENTITY = frozenset({"type", "key"})


@dataclass
class Decision:
    """What to do with one row whose remote copy is known.

    ``diff``: field -> (remote value, declared value), both masked. ``sources``: field ->
    "code", "dashboard" or "both" (a conflict). ``send``: the unresolved monitor to send, or
    None when the remote copy already matches.
    """

    action: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    send: Monitor | None = None

    @property
    def conflicts(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"remote": remote, "code": declared}
            for name, (remote, declared) in self.diff.items()
            if self.sources.get(name) == "both"
        }


def _comparable(monitor: Monitor) -> dict[str, Any]:
    """Flat fields with secrets resolved when possible (to compare with what Cronitor holds)."""
    try:
        return flatten(resolve(monitor))
    except PayloadError:
        return flatten(mask_monitor(monitor))


def merged_tags(declared: list[str], remote: list[str], pushed: list[str] | None) -> list[str]:
    """Our tags, then each remote tag we did not push ourselves (a tag we dropped goes)."""
    dropped = set(pushed or []) - set(declared)
    return list(dict.fromkeys([*declared, *(tag for tag in remote if tag not in dropped)]))


def outgoing(monitor: Monitor, pushed: Monitor | None, remote_tags: list[str] | None) -> Monitor:
    """``monitor`` plus the clears of fields we pushed before, with tags merged with the remote's."""
    send: Monitor = json_copy(monitor)
    flat = flatten(monitor)
    for name, value in CLEAR.items():
        if name in flatten(pushed) and name not in flat:
            if name.startswith("request."):
                send["request"][name.split(".", 1)[1]] = json_copy(value)
            else:
                send[name] = json_copy(value)
    if remote_tags is not None:
        send["tags"] = merged_tags(list(monitor.get("tags") or []), remote_tags, (pushed or {}).get("tags"))
    return send


def _source(name: str, declared: Any, pushed: dict[str, Any] | None, remote: Any) -> str:
    if pushed is None:
        return "code"
    code = _normal(name, declared) != _normal(name, pushed.get(name))
    dashboard = _normal(name, remote) != _normal(name, pushed.get(name))
    if code and dashboard:
        return "both"
    return "dashboard" if dashboard else "code"


def decide(monitor: Monitor, pushed: Monitor | None, remote: dict[str, Any], *, adopting: bool) -> Decision:
    """Compare the declared ``monitor`` (unresolved) with ``pushed`` (masked) and ``remote`` (raw).

    ``pushed`` is None when we never pushed to this account; ``adopting`` says the row was
    never pushed here, so an existing remote monitor is adopted.
    """
    if "schedule" not in remote and isinstance(remote.get("schedules"), list) and remote["schedules"]:
        remote = {**remote, "schedule": remote["schedules"][0]}
    send = outgoing(monitor, pushed, list(remote.get("tags") or []))
    want, have = _comparable(send), flatten(remote)
    shown_want, shown_have = flatten(mask_monitor(send)), flatten(mask_monitor(remote))
    last = flatten(pushed) if pushed is not None else None
    decision = Decision("adopt" if adopting else "unchanged")
    for name in sorted(want):
        if name in IDENTITY:
            continue
        if name == "tags":
            same = sorted(want[name] or []) == sorted(have.get(name) or [])
        else:
            same = _normal(name, want[name]) == _normal(name, have.get(name))
        if same:
            continue
        decision.diff[name] = (shown_have.get(name), shown_want.get(name))
        decision.sources[name] = _source(name, shown_want.get(name), last, shown_have.get(name))
    if decision.diff:
        decision.send = send
        if not adopting:
            decision.action = "conflict" if decision.conflicts else "update"
    elif remote.get("disabled"):
        decision.action = "disabled"
    return decision


def last_pushed(row: HealthcheckDefinition, account: str) -> Monitor | None:
    """What we last pushed *to this account*, or None."""
    if row.account not in ("", account) or not (row.monitor_code or row.pushed_fingerprint):
        return None
    payload = row.pushed_payload
    return payload if isinstance(payload, dict) else None


def for_row(row: HealthcheckDefinition, monitor: Monitor, account: str, remote: dict[str, Any]) -> Decision:
    """:func:`decide` for a row: adopting when we never pushed it to this account."""
    pushed = last_pushed(row, account)
    adopting = pushed is None and not (row.account == account and row.monitor_code)
    return decide(monitor, pushed, remote, adopting=adopting)
