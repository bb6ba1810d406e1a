"""The tags and groups in use, for the changelist's tag and group filters, cached by a cheap version.

Reading every row's tags on each page is O(N): 100,000 rows took most of the page's 2.1 s. The
choices are kept per process, keyed by the database alias and a version read in one indexed
aggregate, ``(COUNT(*), MAX(modified))``:

- a save (the admin's included: it writes ``modified``), the upsert and ``import`` write
  ``modified``, so a new or removed tag or group changes ``MAX(modified)``;
- a deleted row changes ``COUNT(*)``; an insert changes both.

A write that changes ``tags``, ``extra_tags``, ``group`` or ``override_group`` with
``QuerySet.update()`` and without ``modified`` would not be seen: no path of the package does
that (the refresh, the push and snooze write other columns). The cache is per process, so it
needs no shared cache backend to be correct: each process reads the version on each page.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max

_lock = threading.Lock()
_cached: dict[str, tuple[Any, tuple[frozenset[str], frozenset[str]]]] = {}


def version(queryset: Any) -> tuple[int, Any]:
    """``(COUNT(*), MAX(modified))`` of *queryset*'s table: one query, the max read from an index."""
    found = queryset.model._default_manager.using(queryset.db).aggregate(
        rows=Count("pk"), last=Max("modified")
    )
    return int(found["rows"]), found["last"]


def read(queryset: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The tags and the (effective) groups of every row of *queryset*: O(N), run on a new version."""
    tags: set[str] = set()
    groups: set[str] = set()
    rows = queryset.values_list("tags", "extra_tags", "group", "override_group").order_by()
    for code_tags, extra, group, override in rows.iterator(chunk_size=2000):
        tags.update(code_tags or ())
        tags.update(extra or ())
        groups.add(group if override is None else override)
    groups.discard("")
    return frozenset(tags), frozenset(groups)


def facets(queryset: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The tags and groups of *queryset*, read again only when :func:`version` changed."""
    current = version(queryset)
    hit = _cached.get(queryset.db)
    if hit is not None and hit[0] == current:
        return hit[1]
    found = read(queryset)
    with _lock:
        _cached[queryset.db] = (current, found)
    return found


def forget() -> None:
    """Drop the cached choices (tests, and a caller that wrote tags with ``update()``)."""
    with _lock:
        _cached.clear()
