"""``response.json`` paths: dotted keys and list indices (``data.items.0.id`` or ``data.items[0].id``)."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\[([0-9]+)\]|([^.\[\]]+)")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Returned by :func:`lookup` when the path leads nowhere.
MISSING = _Missing()


def segments(path: str) -> list[str | int]:
    """``"data.items[0].id"`` -> ``["data", "items", 0, "id"]``; a dotted ``0`` stays a string."""
    return [_index(index) if index else name for index, name in _TOKEN_RE.findall(path)]


def _index(digits: str) -> int | str:
    # Longer than any list can be (and beyond int()'s digit limit): keep it as text.
    return int(digits) if len(digits) <= 18 else digits


def lookup(document: object, path: str) -> object:
    """Follow ``path`` into a decoded JSON document; :data:`MISSING` when a step fails.

    A name step reads a dict key, or a list index when it is all digits; an
    ``[n]`` step reads a list index (or the dict key ``"n"``).
    """
    current = document
    for step in segments(path):
        if isinstance(current, dict) and str(step) in current:
            current = current[str(step)]
        elif isinstance(current, list) and _is_index(step) and int(step) < len(current):
            current = current[int(step)]
        else:
            return MISSING
    return current


def _is_index(step: str | int) -> bool:
    text = str(step)
    return text.isascii() and text.isdigit() and len(text) <= 18
