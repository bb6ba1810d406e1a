"""pytest fixtures for the Cronitor API emulator.

Enable with ``pytest_plugins = ["healthcheck_admin.testing.pytest_plugin"]`` in your root
``conftest.py`` (or through the ``pytest11`` entry point once the package is installed).

* ``cronitor_emulator``: a started :class:`~healthcheck_admin.testing.CronitorEmulator`, stopped after
  the test.
* ``cronitor_settings``: the same emulator, with pytest-django's ``settings.HEALTHCHECKS`` pointing
  the Cronitor backend at it for the duration of the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from healthcheck_admin.testing.emulator import CronitorEmulator

CRONITOR_BACKEND = "healthcheck_admin.backends.cronitor.CronitorBackend"


@pytest.fixture
def cronitor_emulator() -> Iterator[CronitorEmulator]:
    """A running Cronitor API emulator on 127.0.0.1 (any free port), accepting ``emulator.api_key``."""
    with CronitorEmulator() as emulator:
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
