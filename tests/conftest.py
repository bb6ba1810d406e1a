from __future__ import annotations

import os

import pytest

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
