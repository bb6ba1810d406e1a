"""pytest fixtures for the Cronitor API emulator.

Enable with ``pytest_plugins = ["healthcheck_admin.testing.pytest_plugin"]`` in your root
``conftest.py`` (or through the ``pytest11`` entry point once the package is installed).

* ``cronitor_emulator``: a started :class:`~healthcheck_admin.testing.CronitorEmulator`, stopped after
  the test. ``@pytest.mark.cronitor_emulator(monitor_quota=3, auto_probe=True, ...)`` passes keyword
  arguments to its constructor.
* ``cronitor_settings``: the same emulator, with pytest-django's ``settings.HEALTHCHECKS`` pointing
  the Cronitor backend at it for the duration of the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from healthcheck_admin.testing.emulator import CronitorEmulator

CRONITOR_BACKEND = "healthcheck_admin.backends.cronitor.CronitorBackend"
MARKER = "cronitor_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): keyword arguments for the CronitorEmulator of the cronitor_emulator "
        "fixture, e.g. monitor_quota=3, auto_probe=True, probe_after_reads=2, list_envelope='page_info'",
    )


@pytest.fixture
def cronitor_emulator(request: pytest.FixtureRequest) -> Iterator[CronitorEmulator]:
    """A running Cronitor API emulator on 127.0.0.1 (any free port), accepting ``emulator.api_key``.

    Options come from the closest ``@pytest.mark.cronitor_emulator(...)`` marker, if any.
    """
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.args:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes keyword arguments only, e.g. monitor_quota=3; got {marker.args!r}"
        )
    options = dict(marker.kwargs) if marker is not None else {}
    try:
        emulator = CronitorEmulator(**options)
    except (TypeError, ValueError) as exc:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}{options!r}: {exc}") from None
    with emulator:
        yield emulator


@pytest.fixture
def cronitor_settings(
    request: pytest.FixtureRequest, cronitor_emulator: CronitorEmulator
) -> CronitorEmulator:
    """``cronitor_emulator``, with ``settings.HEALTHCHECKS`` sending to it (needs pytest-django)."""
    try:
        settings = request.getfixturevalue("settings")
    except pytest.FixtureLookupError:
        raise pytest.UsageError(
            "the cronitor_settings fixture needs pytest-django's `settings` fixture: "
            "pip install pytest-django, or use cronitor_emulator and set HEALTHCHECKS yourself"
        ) from None
    existing = getattr(settings, "HEALTHCHECKS", None) or {}
    settings.HEALTHCHECKS = {
        **existing,
        "BACKEND": CRONITOR_BACKEND,
        "API_URL": cronitor_emulator.url,
        "API_KEY": cronitor_emulator.api_key,
        "BACKOFF_SECONDS": 0.01,
    }
    return cronitor_emulator
