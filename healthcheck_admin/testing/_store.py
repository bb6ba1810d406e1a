"""Monitor documents: defaults, partial merge, all-or-nothing batch upsert and filtered listing."""

from __future__ import annotations

import copy
import random
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from healthcheck_admin.testing._validation import (
    READ_ONLY_FIELDS,
    Problem,
    check_key,
    parse_interval,
    unknown_fields,
    validate_monitor,
)

API_VERSION = "2020-10-01"
CODE_ALPHABET = string.ascii_letters + string.digits
MAX_PAGE_SIZE = 1000
_random = random.Random()

_COMMON_DEFAULTS: dict[str, Any] = {
    "assertions": [],
    "notify": ["default"],
    "tags": [],
    "group": None,
    "note": None,
    "paused": False,
    "failure_tolerance": None,
    "schedule_tolerance": None,
    "realert_interval": "every 8 hours",
    "environments": ["production"],
    "disabled": False,
    "initialized": False,
    "passing": True,
    "running": False,
    "latest_event": None,
    "latest_issue": None,
    "next_expected_at": None,
}
_CHECK_DEFAULTS: dict[str, Any] = {"schedule": "every 60 seconds", "platform": "http", "grace_seconds": 0}
_REQUEST_DEFAULTS: dict[str, Any] = {
    "method": "GET",
    "headers": {},
    "cookies": {},
    "body": "",
    "timeout_seconds": 10,
    "regions": [],
    "follow_redirects": True,
    "verify_ssl": True,
}


@dataclass
class BatchResult:
    """The outcome of a batch upsert: the would-be state, the documents, and any errors."""

    state: dict[str, dict[str, Any]]
    codes: set[str] = field(default_factory=set)
    documents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def new_code(taken: Collection[str]) -> str:
    """Six random letters and digits, unique among ``taken``."""
    while True:
        code = "".join(_random.choices(CODE_ALPHABET, k=6))
        if code not in taken:
            return code


def merge(existing: Mapping[str, Any] | None, item: Mapping[str, Any]) -> dict[str, Any]:
    """``existing`` updated by the writable fields of ``item``; ``request`` is merged one level deep."""
    merged: dict[str, Any] = copy.deepcopy(dict(existing or {}))
    for name, value in item.items():
        if name in READ_ONLY_FIELDS:
            continue
        old_request = merged.get("request")
        if name == "request" and isinstance(value, Mapping) and isinstance(old_request, Mapping):
            merged["request"] = {**old_request, **copy.deepcopy(dict(value))}
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def complete(doc: dict[str, Any], code: str, created: str | None = None) -> dict[str, Any]:
    """Fill the defaults and the read-only fields the API returns (in place; also returned)."""
    key = doc.get("key")
    doc.setdefault("name", key)
    for name, value in _COMMON_DEFAULTS.items():
        doc.setdefault(name, copy.deepcopy(value))
    if doc.get("type") == "check":
        for name, value in _CHECK_DEFAULTS.items():
            doc.setdefault(name, value)
        if isinstance(doc.get("request"), dict):
            for name, value in _REQUEST_DEFAULTS.items():
                doc["request"].setdefault(name, copy.deepcopy(value))
        schedule = doc.get("schedule")
        doc["request_interval_seconds"] = parse_interval(schedule) if isinstance(schedule, str) else None
    else:
        doc.setdefault("grace_seconds", 60 if doc.get("type") == "job" else 0)
    doc["attributes"] = {"key": key, "code": code, "group_name": doc.get("group")}
    doc.setdefault("created", created or datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return doc


def upsert_one(
    state: dict[str, dict[str, Any]],
    item: object,
    rejected: Mapping[str, str],
    *,
    url_key: str | None = None,
    codes: set[str] | None = None,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate ``item`` against ``state`` and store it there; (document, []) or (None, problems).

    ``codes`` are the monitor codes in use (computed from ``state`` when None); a new code is added.
    """
    if not isinstance(item, Mapping):
        return None, [("monitor", f"each monitor must be a JSON object, got a {type(item).__name__}")]
    if url_key is not None:
        if "key" in item and item["key"] != url_key:
            return None, [("key", f"{item['key']!r} differs from the key in the URL ({url_key!r})")]
        item = {**item, "key": url_key}
    key = item.get("key")
    problems = check_key(key)
    if problems or not isinstance(key, str):
        return None, problems + unknown_fields(item)
    problems = unknown_fields(item)
    if key in rejected:
        problems.append(("key", rejected[key]))
    existing = state.get(key)
    if existing:
        code = existing["attributes"]["code"]
    else:
        taken = codes if codes is not None else {m["attributes"]["code"] for m in state.values()}
        code = new_code(taken)
    doc = complete(merge(existing, item), code)
    problems += validate_monitor(doc)
    if problems:
        return None, problems
    state[key] = doc
    if codes is not None:
        codes.add(code)
    return doc, []


def upsert_many(
    current: Mapping[str, dict[str, Any]], items: Iterable[object], rejected: Mapping[str, str]
) -> BatchResult:
    """Apply every item to a copy of ``current``; the caller persists ``state`` only when no errors."""
    result = BatchResult(state=dict(current))
    result.codes = {doc["attributes"]["code"] for doc in result.state.values()}
    for index, item in enumerate(items):
        doc, problems = upsert_one(result.state, item, rejected, codes=result.codes)
        label = item.get("key") if isinstance(item, Mapping) else None
        for name, message in problems:
            result.errors.append({"monitor": label, "index": index, "field": name, "message": message})
        if doc is not None:
            result.documents.append(copy.deepcopy(doc))
    return result


def list_page(
    monitors: Iterable[dict[str, Any]],
    query: Mapping[str, str],
    default_page_size: int,
    *,
    envelope: str = "classic",
    show: Callable[[dict[str, Any]], dict[str, Any]] = copy.deepcopy,
) -> tuple[int, dict[str, Any]]:
    """(status, body) for ``GET /api/monitors``: filtered, sorted, one page in the chosen envelope.

    ``show`` turns each document of the page into what the reply carries (a copy by default).
    ``envelope`` is ``classic`` (``page``, ``page_size``, ``total_monitor_count``, ``version``) or
    ``page_info`` (``{"page_info": {"page", "pageSize", "totalMonitorCount"}}``), reference §4.1.
    """
    try:
        page = int(query.get("page", "1"))
        page_size = int(query.get("pageSize", str(default_page_size)))
    except ValueError:
        return 400, {"detail": f"page and pageSize must be whole numbers, got {dict(query)!r}"}
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        return 400, {
            "detail": f"page must be >= 1 and pageSize 1-{MAX_PAGE_SIZE}, got {page!r}, {page_size!r}"
        }
    selected = [doc for doc in monitors if _matches(doc, query)]
    sort = query.get("sort", "created")
    if sort.lstrip("-") == "name":
        selected.sort(key=lambda doc: str(doc.get("name") or ""), reverse=sort.startswith("-"))
    elif sort == "-created":
        selected.reverse()
    start = (page - 1) * page_size
    shown = [show(doc) for doc in selected[start : start + page_size]]
    if envelope == "page_info":
        info = {"page": page, "pageSize": page_size, "totalMonitorCount": len(selected)}
        return 200, {"monitors": shown, "page_info": info}
    body = {
        "monitors": shown,
        "page": page,
        "page_size": page_size,
        "total_monitor_count": len(selected),
        "version": API_VERSION,
    }
    return 200, body


def _matches(doc: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    if "type" in query and doc.get("type") not in query["type"].split(","):
        return False
    if "tag" in query and query["tag"] not in (doc.get("tags") or []):
        return False
    if "group" in query and doc.get("group") != query["group"]:
        return False
    if "env" in query and query["env"] not in (doc.get("environments") or []):
        return False
    state = query.get("state")
    if state == "paused" and not doc.get("paused"):
        return False
    if state in ("passing", "failing") and (doc.get("paused") or doc.get("passing") != (state == "passing")):
        return False
    search = query.get("search", "").lower()
    return (
        not search or search in str(doc.get("key", "")).lower() or search in str(doc.get("name", "")).lower()
    )
