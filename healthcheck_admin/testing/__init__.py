"""Test helpers for projects that use healthcheck_admin.

``CronitorEmulator`` is a Cronitor monitor-API emulator served over real HTTP on loopback; the pytest
plugin :mod:`healthcheck_admin.testing.pytest_plugin` wraps it in fixtures. ``assert_healthchecks_pass``
runs every declared check in-process. See ``docs/testing.rst``.

Names are imported lazily: the emulator stays free of Django, and ``python -m
healthcheck_admin.testing.emulator`` does not import its module twice. To add a public name, add it
to ``_EXPORTS``, ``__all__`` and the ``TYPE_CHECKING`` block.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healthcheck_admin.testing.checks import assert_healthchecks_pass
    from healthcheck_admin.testing.emulator import CronitorEmulator, RecordedRequest

_EXPORTS = {
    "CronitorEmulator": "healthcheck_admin.testing.emulator",
    "RecordedRequest": "healthcheck_admin.testing.emulator",
    "assert_healthchecks_pass": "healthcheck_admin.testing.checks",
}

__all__ = ["CronitorEmulator", "RecordedRequest", "assert_healthchecks_pass"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
