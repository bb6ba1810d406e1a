"""Background pushes and the test's (or a request's) own writes never fail each other on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from healthcheck_admin.backends import locmem
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync import tasks

pytestmark = pytest.mark.usefixtures("empty_locmem_outbox")


@pytest.mark.django_db(transaction=True)
def test_rows_saved_while_their_pushes_run_in_the_background_all_sync():
    keys = [f"adm-busy-{i:03d}" for i in range(60)]
    for key in keys:  # each create commits and starts a background push of that row
        row = HealthcheckDefinition.objects.create(key=key, url="https://busy.example.com/")
        with transaction.atomic():
            HealthcheckDefinition.objects.filter(pk=row.pk).update(note="edited while pushes run")
    assert tasks.wait_for_background_pushes(timeout=60)
    statuses = set(HealthcheckDefinition.objects.values_list("status", flat=True))
    assert statuses == {HealthcheckDefinition.STATUS.synced}
    assert {monitor["key"] for monitor in locmem.outbox} == set(keys)


def test_the_sqlite_test_database_waits_for_a_writer_instead_of_failing():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["TEST"]["NAME"] not in (None, "", ":memory:"), (
        "the shared-cache in-memory database fails at once when locked"
    )
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
