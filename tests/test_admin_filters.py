"""The changelist's filters and search: each query lists exactly the rows it should."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.upsert import sync_code_checks
from tests.utils import bulk_row

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
STATUS = HealthcheckDefinition.STATUS
#: The code checks tests/urls.py declares.
CODE = {
    "test.index",
    "test.leads-detail.put.lead-12345",
    "test.search.query-acme",
    "test.shop:home",
    "test.shop:item.7",
}
ADMIN = {"adm-0", "adm-failing", "adm-passing", "adm-paused", "adm-disabled", "adm-failed", "adm-pending"}


@pytest.fixture
def rows() -> None:
    sync_code_checks()
    bulk_row("adm-0", url="https://example.com/0", tags=["t"])
    bulk_row("adm-failing", health="failing", status=STATUS.synced, monitor_code="Zx9Code")
    bulk_row("adm-passing", health="passing", status=STATUS.synced, extra_tags=["ops-extra"])
    bulk_row("adm-paused", health="paused", status=STATUS.synced, tags=["team-pager"])
    bulk_row("adm-disabled", health="disabled", status=STATUS.disabled)
    bulk_row("adm-failed", status=STATUS.failed, last_error="boom")
    bulk_row("adm-pending")


def listed(client: Client, query: str) -> set[str]:
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    return {row.key for row in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("", CODE | ADMIN),
        ("source__exact=code", CODE),
        ("source__exact=admin", ADMIN),
        ("method__exact=PUT", {"test.leads-detail.put.lead-12345"}),
        ("status__exact=pending", CODE | {"adm-0", "adm-pending"}),
        ("status__exact=failed", {"adm-failed"}),
        ("status__exact=disabled", {"adm-disabled"}),
        ("health=failing", {"adm-failing"}),
        ("health=paused", {"adm-paused"}),
        ("health=disabled", {"adm-disabled"}),
        ("tag=t", {"adm-0"}),
        ("q=leads", {"test.leads-detail.put.lead-12345"}),
        ("q=example.com/0", {"adm-0"}),
        ("q=Zx9Code", {"adm-failing"}),  # the monitor's code
        ("q=team-pager", {"adm-paused"}),  # a tag
        ("q=ops-extra", {"adm-passing"}),  # an extra tag
    ],
)
def test_each_filter_and_search_lists_exactly_its_rows(superuser_client, rows, query, keys):
    assert listed(superuser_client, query) == keys


def test_the_health_and_sync_filters_offer_their_choices_most_urgent_first_in_ops_words(superuser_client):
    changelist = superuser_client.get(CHANGELIST).context["cl"]
    filters = {spec.title: spec for spec in changelist.filter_specs}
    links = {
        title: [
            (str(choice["display"]), choice["query_string"])
            for choice in list(filters[title].choices(changelist))[1:]
        ]
        for title in ("health on Cronitor", "sync state")
    }
    assert [label for label, _ in links["health on Cronitor"]] == [
        "failing", "passing", "paused", "disabled", "not read yet",
    ]  # fmt: skip
    assert [label for label, _ in links["sync state"]] == [
        "failed to push", "pending (not pushed yet)", "pushing", "synced", "disabled by Cronitor", "removed",
    ]  # fmt: skip
    assert links["sync state"][0][1].endswith("status__exact=failed")
