"""The row load of plan and push stays cheap: statements constant in N, tracking intact.

The registry model's tracker (:mod:`healthcheck_admin.tracking`) answers deferred fields with
one set difference and snapshots JSON values with a JSON copy; a refresh that finds nothing new
writes ``health_read_at`` in one statement per batch, not one ``bulk_update`` row per monitor.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.refresh import refresh
from healthcheck_admin.sync.service import push
from tests.sync_utils import make_row, make_rows

pytestmark = pytest.mark.django_db


def statements(action: object) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert callable(action)
        action()
    return [query["sql"] for query in queries.captured_queries]


def test_plan_and_an_idle_push_issue_statements_constant_in_the_row_count(sync_api):
    figures = []
    for prefix, count in (("few", 3), ("more", 27)):
        make_rows(count, prefix=prefix)
        push()
        push()  # the remote copy read back is stored now
        planned = statements(lambda: plan())
        pushed = statements(lambda: push())
        updates = [sql for sql in pushed if sql.lstrip().upper().startswith("UPDATE")]
        figures.append((len(planned), len(pushed), len(updates)))
    assert figures[0] == figures[1]
    assert figures[1][2] <= 1  # only health_read_at, in one statement for 30 rows
    assert not [sql for sql in updates if "remote_payload" in sql]


def test_a_refresh_that_finds_something_new_writes_it_and_reads_the_rest(sync_api):
    first, second = make_row("first"), make_row("second")
    push()
    refresh()
    HealthcheckDefinition.objects.filter(pk=second.pk).update(health="failing", remote_payload=None)
    before = {row.key: row.health_read_at for row in HealthcheckDefinition.objects.all()}
    refresh()
    after = {row.key: row for row in HealthcheckDefinition.objects.all()}
    assert after["second"].health != "failing"
    assert after["second"].remote_payload is not None
    assert after["first"].remote_payload is not None
    for key in (first.key, second.key):
        read_at = after[key].health_read_at
        assert read_at is not None
        earlier = before[key]
        assert earlier is not None
        assert read_at > earlier


def test_deferred_fields_match_django_and_the_tracker_sees_them():
    make_row("deferred", tags=["a"])
    row = HealthcheckDefinition.objects.only("pk", "key", "status").get()
    walked = {field.attname for field in row._meta.concrete_fields if field.attname not in row.__dict__}
    assert row.get_deferred_fields() == walked
    assert "tags" in walked
    assert row.tracker.changed() == {}
    row.tags = ["b"]
    assert row.tracker.changed() == {"tags": ["a"]}
    row.save()
    assert HealthcheckDefinition.objects.get().status == "pending"


def test_the_tracker_snapshot_is_a_deep_copy_of_json_values():
    make_row("nested", headers={"X-A": "1"}, assertions=["response.code = 200"])
    row = HealthcheckDefinition.objects.get()
    assert row.get_deferred_fields() == set()
    row.headers["X-A"] = "2"
    row.assertions.append("response.time < 2s")
    assert row.tracker.changed() == {"headers": {"X-A": "1"}, "assertions": ["response.code = 200"]}
    revision = row.revision
    row.save()
    assert row.revision != revision
    assert row.tracker.changed() == {}
