"""Every declared healthcheck as a regression test in your own suite.

::

    import pytest
    from healthcheck_admin.testing import assert_healthchecks_pass

    @pytest.mark.django_db
    def test_healthchecks(client):
        assert_healthchecks_pass(client)

The helper stores the checks declared in the URLconf (as ``migrate`` and
startup do), then runs every active, unpaused code-defined check in-process
through Django's test client and raises :class:`AssertionError` naming each
check that did not pass, with the reason of each failed assertion.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.test import Client

from healthcheck_admin.runner import RunConfig, RunResult, run_checks


def _describe(result: RunResult) -> str:
    head = f"- {result.key} ({result.method} {result.url}): {result.state}"
    if result.status is not None:
        head += f", status {result.status}"
    if result.state == "failed":
        lines = [f"    {outcome.reason}" for outcome in result.failed_outcomes]
        return "\n".join([head, *lines])
    return f"{head}: {result.error}"


def assert_healthchecks_pass(
    client: Client | None = None,
    *,
    keys: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> list[RunResult]:
    """Run the code-defined checks in-process; raise :class:`AssertionError` unless all pass.

    ``client`` is the test client to send requests with (its own cookies, such
    as a login, are set aside while the checks run: Cronitor's requests are
    anonymous); by default each check gets a fresh one. ``keys`` limits the run
    to those monitor keys, ``tags`` to checks carrying any of those tags.
    Paused checks are skipped, as Cronitor skips them. Needs database access
    (``@pytest.mark.django_db`` or a ``TestCase``). Returns the results.
    """
    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.upsert import sync_code_checks

    sync_code_checks()
    rows = list(HealthcheckDefinition.objects.active().code_owned().order_by("key"))
    keys = sorted(keys) if keys is not None else None
    tags = sorted(tags) if tags is not None else None
    wanted_keys = set(keys) if keys is not None else None
    if wanted_keys is not None:
        unknown = sorted(wanted_keys - {row.key for row in rows})
        if unknown:
            raise AssertionError(f"no code-defined healthcheck has the key(s) {unknown!r}")
        rows = [row for row in rows if row.key in wanted_keys]
    wanted_tags = set(tags) if tags is not None else None
    if wanted_tags is not None:
        rows = [row for row in rows if wanted_tags.intersection(row.effective_tags)]
    rows = [row for row in rows if not row.effective_paused]
    if not rows:
        raise AssertionError(
            f"no active, unpaused code-defined healthcheck matches keys={keys!r} tags={tags!r}; "
            "declare checks with healthcheck= in your URLconf"
        )
    results = run_checks(rows, RunConfig(in_process=True), client=client)
    bad = [result for result in results if not result.passed]
    if bad:
        details = "\n".join(_describe(result) for result in bad)
        raise AssertionError(f"{len(bad)} of {len(results)} healthchecks did not pass:\n{details}")
    return results
