"""Cronitor's replies turned into short human messages (after healthchecks.io's ``hc/lib/curl.py``).

Failures without a reply are worded by :func:`healthcheck_admin.transport.failure_phrase`, the
vocabulary the runner uses too.

Nothing here puts a header, the API key or a credential-bearing URL into a message: the
request is named by method, host and path only, and server text is scrubbed and cut short.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Sequence
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from healthcheck_admin import transport
from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.redaction import clip, scrub

MAX_DETAIL = 240
MAX_RETRY_AFTER = 60.0


def where(method: str, path: str, api_url: str) -> str:
    """``PUT cronitor.io/api/monitors``: the request, without scheme or credentials."""
    return transport.where(method, api_url + path)


def redirect_error(label: str, response: requests.Response) -> CronitorError:
    """A 3xx from the API: never followed, since it would carry the key and the payload elsewhere."""
    location = urljoin(response.url or "", response.headers.get("Location", ""))
    host = urlsplit(location).hostname or "an unknown host"
    return CronitorError(
        f"{label}: Cronitor answered {response.status_code} redirecting to {host!r}; it was not followed "
        "and nothing was sent there; set HEALTHCHECKS['API_URL'] to the API's final URL",
        permanent=True,
        status=response.status_code,
    )


def _cut(text: str, secrets: Collection[str]) -> str:
    """Server text on one line, scrubbed of ``secrets`` first and then cut (see ``redaction.clip``)."""
    return clip(" ".join(scrub(text, secrets).split()), MAX_DETAIL, secrets)


def detail(response: requests.Response, secrets: Collection[str] = ()) -> str:
    """The server's explanation: DRF ``detail``, ``message``, ``error`` or ``errors``; else the text."""
    try:
        data = response.json()
    except ValueError:
        return _cut(response.text, secrets) or response.reason or ""
    if isinstance(data, dict):
        for name in ("detail", "message", "error"):
            if isinstance(data.get(name), str):
                return _cut(data[name], secrets)
        errors = data.get("errors")
        if isinstance(errors, list):
            messages = [str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors]
            return _cut("; ".join(messages), secrets)
    return _cut(json.dumps(data), secrets)


def status_error(label: str, response: requests.Response, secrets: Collection[str] = ()) -> CronitorError:
    """The error for an unexpected status; server text is scrubbed of ``secrets`` before it is cut."""
    status = response.status_code
    permanent = 400 <= status < 500 and status != 429
    text = detail(response, secrets)
    if status in (401, 403):
        message = (
            f"{label}: Cronitor refused the API key ({status}: {text}); "
            "check HEALTHCHECKS['API_KEY'] or CRONITOR_API_KEY and that the key may write monitors"
        )
    elif status == 429:
        message = f"{label}: rate limited by Cronitor (429)"
    else:
        message = f"{label}: Cronitor answered {status}: {text}"
    return CronitorError(message, permanent=permanent, status=status)


def parse_json(label: str, response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise CronitorError(
            f"{label}: Cronitor answered {response.status_code} with a body that is not valid JSON; "
            "nothing was recorded as sent",
            permanent=False,
            status=response.status_code,
        ) from None


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), capped; None if absent."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def rejected_monitors(
    response: requests.Response, keys: Sequence[str], secrets: Collection[str] = ()
) -> dict[str, str]:
    """The monitors a 400 names, with their messages: ``{"errors": [{"monitor", "field", "message"}]}``.

    Items are matched by ``monitor`` (the key) or else by ``index``; a body in any other
    shape names nothing (the caller then bisects).
    """
    try:
        data = response.json()
    except ValueError:
        return {}
    errors = data.get("errors") if isinstance(data, dict) else None
    bad: dict[str, list[str]] = {}
    for item in errors if isinstance(errors, list) else []:
        if not isinstance(item, dict):
            continue
        key = item.get("monitor")
        index = item.get("index")
        if key not in keys and isinstance(index, int) and 0 <= index < len(keys):
            key = keys[index]
        if not isinstance(key, str) or key not in keys:
            continue
        message = str(item.get("message") or "invalid")
        field = item.get("field")
        bad.setdefault(key, []).append(f"{field}: {message}" if field else message)
    return {key: _cut("; ".join(messages), secrets) for key, messages in bad.items()}


def _int(value: Any) -> int | None:
    """A positive whole number (the classic list reply sends some as strings), else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def page_of(data: Any) -> tuple[list[dict[str, Any]], int | None, int | None]:
    """(monitors, page size, total) of a list reply, classic or ``page_info`` style."""
    if isinstance(data, list):
        items, meta = data, {}
    elif isinstance(data, dict) and isinstance(data.get("monitors"), list):
        items = data["monitors"]
        info = data.get("page_info")
        meta = {**data, **info} if isinstance(info, dict) else data
    else:
        raise CronitorError("GET /monitors: the reply is not a list of monitors", permanent=False)
    if not all(isinstance(item, dict) for item in items):
        raise CronitorError("GET /monitors: the reply holds something that is not a monitor", permanent=False)
    size = _int(meta.get("page_size") or meta.get("pageSize"))
    total = _int(meta.get("total_monitor_count", meta.get("totalMonitorCount")))
    return items, size, total


def disabled_message(quota: Any) -> str:
    """The row's ``last_error`` for a monitor Cronitor saved disabled."""
    detail = ""
    if isinstance(quota, dict):
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(quota.items()) if isinstance(v, (int, str)))
        detail = f" (monitor_quota: {shown})" if shown else ""
    return (
        "Cronitor saved this monitor disabled, so it is not probed: the account is over its plan's "
        f"monitor limit{detail}; raise the limit or remove monitors, then push again"
    )
