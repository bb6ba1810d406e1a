"""The upsert of code-defined checks into HealthcheckDefinition."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.upsert import STATE_NAME, sync_code_checks, upsert
from tests.utils import count_queries, generated_specs

pytestmark = pytest.mark.django_db

CODE_KEYS = {
    "test.index",
    "test.search.query-acme",
    "test.leads-detail.put.lead-12345",
    "test.shop:home",
    "test.shop:item.7",
}


@pytest.fixture(autouse=True)
def _fresh_urls():
    clear_url_caches()
    yield
    clear_url_caches()


def test_first_sync_inserts_every_code_check():
    result = sync_code_checks()
    assert sorted(result.created) == sorted(CODE_KEYS)
    rows = HealthcheckDefinition.objects.code()
    assert {row.key for row in rows} == CODE_KEYS
    leads = rows.get(key="test.leads-detail.put.lead-12345")
    assert leads.method == "PUT"
    assert leads.url == "https://example.com/api/leads/12345"
    assert leads.assertions == ["response.code = 200"]
    assert leads.status == HealthcheckDefinition.STATUS.pending
    assert leads.source == "code"


def test_second_sync_leaves_unchanged_rows_untouched():
    sync_code_checks()
    before = {row.key: (row.modified, row.revision) for row in HealthcheckDefinition.objects.all()}
    result = sync_code_checks()
    assert result.created == []
    assert result.updated == []
    assert result.removed == []
    assert result.unchanged == len(CODE_KEYS)
    after = {row.key: (row.modified, row.revision) for row in HealthcheckDefinition.objects.all()}
    assert after == before


def test_a_changed_check_is_updated_and_a_removed_one_marked_not_deleted():
    sync_code_checks()
    with override_settings(ROOT_URLCONF="tests.urlconfs.moved_before"):
        clear_url_caches()
        result = sync_code_checks()
    assert result.created == ["test.status"]
    assert sorted(result.removed) == sorted(CODE_KEYS)
    assert HealthcheckDefinition.objects.removed().count() == len(CODE_KEYS)
    assert HealthcheckDefinition.objects.count() == len(CODE_KEYS) + 1
    with override_settings(ROOT_URLCONF="tests.urlconfs.moved_after"):
        clear_url_caches()
        result = sync_code_checks()
    assert result.updated == ["test.status"]
    row = HealthcheckDefinition.objects.get(key="test.status")
    assert row.url == "https://example.com/health/v2/status/"


def test_a_check_declared_again_is_restored():
    sync_code_checks()
    with override_settings(ROOT_URLCONF="tests.urlconfs.moved_before"):
        clear_url_caches()
        sync_code_checks()
    clear_url_caches()
    result = sync_code_checks()
    assert sorted(result.updated) == sorted(CODE_KEYS)
    assert HealthcheckDefinition.objects.active().filter(key__in=CODE_KEYS).count() == len(CODE_KEYS)


def test_the_upsert_never_overwrites_the_override_layer():
    sync_code_checks()
    HealthcheckDefinition.objects.filter(key="test.index").update(
        override_paused=True,
        override_notify=["ops"],
        override_note="ops note",
        extra_tags=["ops-tag"],
        monitor_code="abc123",
    )
    with override_settings(HEALTHCHECKS={"HOSTNAME": "moved.example.com", "ENVIRONMENT": "test"}):
        result = sync_code_checks()
    assert "test.index" in result.updated
    row = HealthcheckDefinition.objects.get(key="test.index")
    assert row.url == "https://moved.example.com/"
    assert (row.override_paused, row.override_notify, row.override_note, row.extra_tags) == (
        True,
        ["ops"],
        "ops note",
        ["ops-tag"],
    )
    assert row.monitor_code == "abc123"
    assert row.effective_paused is True
    assert row.effective_tags == ["ops-tag"]


def test_admin_rows_are_never_touched_by_the_upsert():
    admin_row = HealthcheckDefinition.objects.create(key="adm-1", url="https://example.org/", name="ops")
    sync_code_checks()
    sync_code_checks()
    admin_row.refresh_from_db()
    assert admin_row.removed_at is None
    assert admin_row.source == "admin"


def test_a_code_key_taken_by_an_admin_row_is_reported_not_overwritten():
    HealthcheckDefinition.objects.create(key="test.index", url="https://example.org/", name="ops")
    result = sync_code_checks()
    assert result.conflicts == ["test.index"]
    assert HealthcheckDefinition.objects.get(key="test.index").name == "ops"


@pytest.mark.parametrize("count", [10, 400])
def test_query_count_does_not_grow_with_the_number_of_checks(count):
    with count_queries() as small:
        upsert(generated_specs(3))
    HealthcheckDefinition.objects.all().delete()
    with count_queries() as large:
        upsert(generated_specs(count))
    assert HealthcheckDefinition.objects.count() == count
    assert len(large) == len(small)
    with count_queries() as update:
        result = upsert(generated_specs(count, note="changed"))
    assert len(result.updated) == count
    assert len(update) == len(small)
    assert set(HealthcheckDefinition.objects.values_list("note", flat=True)) == {"changed"}


def test_json_and_boolean_columns_survive_the_bulk_write():
    upsert(generated_specs(2))
    row = HealthcheckDefinition.objects.get(key="gen-1")
    assert row.headers == {"Accept": "text/html"}
    assert row.assertions == ["response.code = 200"]
    assert row.follow_redirects is True
    assert row.override_paused is None
    assert row.created is not None
    assert row.modified is not None


def test_startup_mode_does_the_work_once_per_declared_set():
    first = sync_code_checks(force=False)
    assert not first.skipped
    assert first.collected is not None
    assert RegistryState.objects.get(name=STATE_NAME).value == first.collected.fingerprint
    with count_queries() as queries:
        second = sync_code_checks(force=False)
    assert second.skipped
    assert len(queries) == 1
