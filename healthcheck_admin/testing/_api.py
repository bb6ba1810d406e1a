"""The emulated Cronitor monitor API: authentication, routing and one function per endpoint.

Every function takes the emulator (for its state and lock) and returns a :class:`Reply`; nothing here
touches sockets. Error bodies follow Django REST Framework (``{"detail": ...}``), as Cronitor's do.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from healthcheck_admin.testing._health import quota_report
from healthcheck_admin.testing._state import EmulatorState
from healthcheck_admin.testing._store import list_page, new_code, upsert_many, upsert_one
from healthcheck_admin.testing._types import Fault, Reply, basic_auth_username

Handler = Callable[[EmulatorState, list[str], Mapping[str, str], bytes], Reply]
NOT_FOUND = Reply(404, {"detail": "Not found."})
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
YAML_UNSUPPORTED = (
    "The Cronitor emulator speaks JSON only: YAML bodies (Content-Type application/yaml, "
    '/api/monitors.yaml, ?format=yaml) are not supported. Send JSON: {"monitors": [...]}.'
)


def dispatch(
    emulator: EmulatorState, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str]
) -> Callable[[bytes], Reply]:
    """The endpoint for a request, as a function of its body. ``headers`` have lower-case names."""
    denied = authenticate(emulator, headers)
    if denied is not None:
        return lambda body: denied
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if path.rstrip("/").endswith(".yaml") or query.get("format") == "yaml" or content_type in YAML_TYPES:
        return lambda body: Reply(415, {"detail": YAML_UNSUPPORTED})
    segments = [unquote(part) for part in path.split("/") if part]
    if segments[:2] != ["api", "monitors"]:
        return lambda body: NOT_FOUND
    with emulator.lock:
        emulator.expire_pauses()
    rest = segments[2:]
    routes = _route(rest)
    if routes is None:
        return lambda body: NOT_FOUND
    handler = routes.get(method)
    if handler is None:
        allowed = ", ".join(sorted(routes))
        return lambda body: Reply(405, {"detail": f'Method "{method}" not allowed.'}, {"Allow": allowed})
    return lambda body: handler(emulator, rest, query, body)


def authenticate(emulator: EmulatorState, headers: Mapping[str, str]) -> Reply | None:
    """None when the Basic-auth username is a known API key; else 401 (no header) or 403."""
    value = headers.get("authorization")
    if value is None:
        detail = "Authentication credentials were not provided. Use HTTP Basic auth: API key as username."
        return Reply(401, {"detail": detail}, {"WWW-Authenticate": 'Basic realm="api"'})
    if basic_auth_username(value) not in emulator.api_keys:
        return Reply(403, {"detail": "Invalid API key. Send a valid key as the Basic-auth username."})
    return None


def fault_reply(fault: Fault) -> Reply:
    """The response for an injected error, rate-limit or malformed-JSON fault."""
    if fault.kind == "malformed":
        return Reply(200, raw=b'{"monitors": [{"key": ')
    payload = fault.body if fault.body is not None else {"detail": _phrase(fault.status)}
    return Reply(fault.status, copy.deepcopy(payload), dict(fault.headers))


def rate_limit_fault(seconds: int, *, header: bool = True, body: bool = True) -> Fault:
    """A 429 with ``Retry-After`` (when ``header``) and ``retry_after_seconds`` (when ``body``)."""
    payload: dict[str, Any] = {"detail": f"Request was throttled. Expected available in {seconds} seconds."}
    if body:
        payload["retry_after_seconds"] = seconds
    headers = {"Retry-After": str(seconds)} if header else {}
    return Fault("rate_limit", status=429, seconds=seconds, body=payload, headers=headers)


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase} (injected by EmulatorState)"
    except ValueError:
        return f"HTTP {status} (injected by EmulatorState)"


def _route(rest: list[str]) -> dict[str, Handler] | None:
    if not rest:
        return {"GET": list_monitors, "PUT": put_batch, "POST": create_monitor, "DELETE": delete_batch}
    if len(rest) == 1:
        return {"GET": get_monitor, "PUT": put_monitor, "DELETE": delete_monitor}
    if rest[1] == "pause" and len(rest) <= 3:
        return {"GET": pause_monitor}
    return None


def _load(body: bytes) -> tuple[Any, Reply | None]:
    if not body.strip():
        return None, Reply(400, {"detail": "The request body is empty; send a JSON document."})
    try:
        return json.loads(body), None
    except ValueError as exc:
        return None, Reply(400, {"detail": f"JSON parse error - {exc}"})


def list_monitors(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    def show(doc: dict[str, Any]) -> dict[str, Any]:
        emulator.observe(doc["key"])
        return emulator.shown(doc, query)

    with emulator.lock:
        monitors = list(emulator.monitors.values())
        status, payload = list_page(
            monitors, query, emulator.page_size, envelope=emulator.list_envelope, show=show
        )
    return Reply(status, payload)


def put_batch(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    """Batch upsert: wrapped or bare array, all-or-nothing, ``rollback`` validates only."""
    data, error = _load(body)
    if error is not None:
        return error
    wrapped = isinstance(data, dict)
    items, rollback, shape_error = _batch_items(data)
    if shape_error is not None:
        return shape_error
    with emulator.lock:
        result = upsert_many(emulator.monitors, items, emulator.rejected)
        if result.errors:
            return Reply(400, {"errors": result.errors})
        disabled = emulator.commit(result.state, dry_run=rollback)
        documents = [emulator.shown(result.state[doc["key"]], query) for doc in result.documents]
        if not wrapped:
            return Reply(200, documents)
        payload: dict[str, Any] = {"monitors": documents}
        if disabled and emulator.monitor_quota is not None:
            payload["monitor_quota"] = quota_report(emulator.monitor_quota, result.state, disabled)
    return Reply(200, payload)


def _batch_items(data: Any) -> tuple[list[Any], bool, Reply | None]:
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"monitors", "rollback"})
        if unknown:
            detail = f"unknown top-level field {unknown[0]!r}; send {{'monitors': [...], 'rollback': false}}"
            return [], False, Reply(400, {"detail": detail})
        rollback = data.get("rollback", False)
        if not isinstance(rollback, bool):
            return [], False, Reply(400, {"detail": f"rollback must be true or false, got {rollback!r}"})
        items = data.get("monitors")
    else:
        rollback, items = False, data
    if not isinstance(items, list):
        detail = f"expected a list of monitors ({{'monitors': [...]}} or [...]), got {type(items).__name__}"
        return [], False, Reply(400, {"detail": detail})
    if any(isinstance(item, list) for item in items):  # the real API answers a nested list with a 500
        return [], False, Reply(500, {"detail": "A server error occurred."})
    return items, rollback, None


def create_monitor(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    """``POST /api/monitors``: create one monitor (201); the key is generated when omitted."""
    data, error = _load(body)
    if error is not None:
        return error
    with emulator.lock:
        if isinstance(data, dict) and "key" not in data:
            data = {**data, "key": new_code(emulator.monitors).lower()}
        if isinstance(data, dict) and data.get("key") in emulator.monitors:
            detail = f"a monitor with key {data['key']!r} already exists; update it with PUT"
            return Reply(400, {"errors": [{"monitor": data["key"], "field": "key", "message": detail}]})
        return _single_write(emulator, data, None, 201)


def put_monitor(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    """``PUT /api/monitors/{key}``: partial update of an existing monitor."""
    data, error = _load(body)
    if error is not None:
        return error
    with emulator.lock:
        if rest[0] not in emulator.monitors:
            return NOT_FOUND
        return _single_write(emulator, data, rest[0], 200)


def _single_write(emulator: EmulatorState, data: Any, url_key: str | None, status: int) -> Reply:
    state = dict(emulator.monitors)
    doc, problems = upsert_one(state, data, emulator.rejected, url_key=url_key)
    if doc is None:
        label = url_key or (data.get("key") if isinstance(data, dict) else None)
        errors = [{"monitor": label, "index": 0, "field": name, "message": text} for name, text in problems]
        return Reply(400, {"errors": errors})
    emulator.commit(state)
    return Reply(status, emulator.shown(state[doc["key"]], {}))


def get_monitor(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    with emulator.lock:
        if rest[0] not in emulator.monitors:
            return NOT_FOUND
        emulator.observe(rest[0])
        return Reply(200, emulator.shown(emulator.monitors[rest[0]], query))


def delete_monitor(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    with emulator.lock:
        if emulator.monitors.pop(rest[0], None) is None:
            return NOT_FOUND
        emulator.forget(rest[0])
    return Reply(204)


def delete_batch(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    """``DELETE /api/monitors`` with ``{"monitors": [keys]}``; reports the keys that were missing."""
    data, error = _load(body)
    if error is not None:
        return error
    keys = data.get("monitors") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        return Reply(400, {"detail": f"send {{'monitors': [<key>, ...]}} with string keys, got {data!r}"})
    with emulator.lock:
        missing = [key for key in keys if emulator.monitors.pop(key, None) is None]
        for key in set(keys) - set(missing):
            emulator.forget(key)
    payload = {
        "deleted_count": len(keys) - len(missing),
        "requested_count": len(keys),
        "errors": {"missing": missing},
    }
    return Reply(200, payload)


def pause_monitor(emulator: EmulatorState, rest: list[str], query: Mapping[str, str], body: bytes) -> Reply:
    """``GET .../pause`` pauses indefinitely; ``.../pause/{hours}`` for N hours, ``/pause/0`` unpauses.

    A timed pause keeps its end in ``emulator.pause_expiry``; the monitor unpauses once the emulator's
    clock passes it.
    """
    hours_text = rest[2] if len(rest) == 3 else None
    if hours_text is not None and not hours_text.isdigit():
        return Reply(400, {"detail": f"hours must be a whole number >= 0, got {hours_text!r}"})
    with emulator.lock:
        doc = emulator.monitors.get(rest[0])
        if doc is None:
            return NOT_FOUND
        hours = None if hours_text is None else int(hours_text)
        doc["paused"] = hours is None or hours > 0
        emulator.pause_expiry.pop(rest[0], None)
        if hours:
            emulator.pause_expiry[rest[0]] = emulator.now() + hours * 3600
        return Reply(200, emulator.shown(doc, query))
