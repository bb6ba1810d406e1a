"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Every SQL statement run on the default connection inside the block.

    Unlike ``CaptureQueriesContext`` this survives the ``reset_queries`` that each
    test-client request triggers, so it counts the queries of whole requests.
    """
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen
