from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytest_plugins = ["healthcheck_admin.testing.pytest_plugin"]

ON_POSTGRES = os.environ.get("HEALTHCHECK_TEST_DB") == "postgres"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need the PostgreSQL settings: deselect them elsewhere."""
    if ON_POSTGRES:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def _forget_put_checks():
    """``put()`` registers checks process-wide; each test starts without any."""
    from healthcheck_admin.routing import clear_extra

    clear_extra()
    yield
    clear_extra()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """``migrate`` upserts the code checks (post_migrate); tests start from an empty table."""
    from django.db import connection

    from healthcheck_admin.models import HealthcheckDefinition, RegistryState, Tombstone

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in (HealthcheckDefinition, RegistryState, Tombstone):  # plain SQL: no signals
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture(scope="module")
def http():
    """The runner tests' local HTTP server (tests/servers.py), one per module."""
    from tests.servers import serve

    with serve() as running:
        yield running


@pytest.fixture
def emulator_session(cronitor_emulator):
    """A requests session authenticated against a fresh emulator (tests/utils.EmulatorSession)."""
    from tests.utils import EmulatorSession

    with EmulatorSession(cronitor_emulator) as session:
        yield session


@pytest.fixture
def empty_locmem_outbox():
    """An empty locmem outbox; afterwards, no background push is left running."""
    from healthcheck_admin.backends import locmem
    from healthcheck_admin.sync import tasks
    from tests.utils import settled

    with settled(locmem.reset, tasks.wait_for_background_pushes, "a background push"):
        yield


@pytest.fixture
def echo_server():
    """A local server (tests/servers.py) whose ``/echo`` sends the request, secrets and all, back."""
    from tests.servers import serve

    with serve() as running:
        yield running


@pytest.fixture
def secrets_api(settings, monkeypatch):
    """The emulator accepting ``secrets_utils.API_KEY`` only, HEALTHCHECKS pointing at it, the
    ``env:`` secrets of secrets_utils in the environment."""
    from tests.secrets_utils import API_KEY, CUSTOM, ENVIRONMENT
    from tests.utils import secrets_emulator

    with secrets_emulator(settings, monkeypatch, API_KEY, ENVIRONMENT, [CUSTOM], TIMEOUT=2.0) as emulator:
        yield emulator


@pytest.fixture(params=["key-in-settings", "key-from-environment"])
def key_source(request, secrets_api, settings, monkeypatch) -> str:
    """The API key literally in HEALTHCHECKS, or only in CRONITOR_API_KEY."""
    from tests.secrets_utils import API_KEY

    if request.param == "key-from-environment":
        settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "API_KEY": None}
        monkeypatch.setenv("CRONITOR_API_KEY", API_KEY)
    return str(request.param)


@pytest.fixture
def secret_rows(secrets_api, echo_server):
    """Two rows checking ``echo_server``: one with ``env:`` secrets, one with literal ones."""
    from healthcheck_admin.models import HealthcheckDefinition
    from tests.secrets_utils import ENV_HEADERS, LITERAL, LITERAL_COOKIE

    common = {
        "url": echo_server.url("/echo"),
        "assertions": ["response.code = 200", "response.body contains all-is-well"],
    }
    return [
        HealthcheckDefinition.objects.create(
            key="sec-env",
            name="Env secrets",
            headers=ENV_HEADERS,
            cookies={"s": "env:HC_SEC_COOKIE"},
            **common,
        ),
        HealthcheckDefinition.objects.create(
            key="sec-literal",
            name="Literal secrets",
            headers=LITERAL,
            cookies={"s": LITERAL_COOKIE},
            **common,
        ),
    ]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """``caplog`` capturing every logger at DEBUG."""
    import logging

    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def superuser_client(client):
    """The test client logged in as a fresh superuser."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.com", None))
    return client


@pytest.fixture
def sync_api(cronitor_settings, settings):
    """The emulator, with HEALTHCHECKS pointing at it, quick timeouts and no push on save."""
    settings.HEALTHCHECKS = {
        **settings.HEALTHCHECKS,
        "TIMEOUT": 2.0,
        "BACKOFF_SECONDS": 0.01,
        "SYNC_ON_SAVE": False,
    }
    return cronitor_settings


@pytest.fixture
def startup_api(cronitor_settings, settings):
    """The emulator, with pushes on startup turned on."""
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_STARTUP": True}
    return cronitor_settings


@pytest.fixture(scope="module")
def _orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API runs an asyncio loop in this thread (through greenlets), so Django sees
    # a running loop and refuses ORM calls here (SynchronousOnlyOperation), including pytest-django's
    # own database setup and flush. The tests only seed and read rows between browser steps, never
    # concurrently with them, and live_server's thread is unaffected. Module-scoped so that it
    # covers the whole life of the browser fixture below, and limited to the modules that use it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_orm_beside_playwright: None) -> Iterator[Browser]:
    """Headless Chromium for the browser tests (tests/browser_utils.py), one per module."""
    from playwright.sync_api import sync_playwright

    from tests.browser_utils import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
