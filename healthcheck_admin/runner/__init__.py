"""Run healthchecks locally: over the network or in-process, judged by Cronitor's assertions.

The public API, used by ``manage.py healthchecks run``, the admin's "Run now"
action and :mod:`healthcheck_admin.testing.checks`. ``docs/running.rst``
describes the behaviour.
"""

from __future__ import annotations

from healthcheck_admin.runner.config import (
    RunConfig,
    allowed_hosts_from_settings,
    host_is_allowed,
    swap_base_url,
)
from healthcheck_admin.runner.core import effective_url, run_checks, run_one
from healthcheck_admin.runner.results import (
    RunResult,
    format_result_line,
    results_to_json,
    results_to_junit,
)

__all__ = [
    "RunConfig",
    "RunResult",
    "allowed_hosts_from_settings",
    "effective_url",
    "format_result_line",
    "host_is_allowed",
    "results_to_json",
    "results_to_junit",
    "run_checks",
    "run_one",
    "swap_base_url",
]
