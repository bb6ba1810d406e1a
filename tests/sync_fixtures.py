"""Fixtures for the sync tests, loaded with ``pytest_plugins = ["tests.sync_fixtures"]``."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.sync_utils import healthchecks


@pytest.fixture
def api(cronitor_settings: Any, settings: Any) -> Any:
    """The emulator, with HEALTHCHECKS pointing at it, quick timeouts and no push on save."""
    healthchecks(settings, TIMEOUT=2.0, BACKOFF_SECONDS=0.01, SYNC_ON_SAVE=False)
    return cronitor_settings


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog
