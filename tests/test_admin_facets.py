"""The tag and group filters' choices: cached between pages, read again after any change to the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from tests.utils import admin_form, bulk_row, change_url

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")


def choices(client: Client, title: str, query: str = "") -> list[str]:
    """The labels of the changelist's *title* filter, "All" left out."""
    changelist = client.get(CHANGELIST + query).context["cl"]
    [spec] = [spec for spec in changelist.filter_specs if spec.title == title]
    return [str(choice["display"]) for choice in list(spec.choices(changelist))[1:]]


def test_a_saved_tag_appears_and_a_removed_one_vanishes(superuser_client: Client) -> None:
    row = bulk_row("adm-a", tags=["old"])
    bulk_row("adm-b", extra_tags=["kept"])
    assert choices(superuser_client, "tag") == ["kept", "old"]
    assert choices(superuser_client, "tag") == ["kept", "old"]  # the cached choices
    row.tags = ["new"]
    row.save()
    assert choices(superuser_client, "tag") == ["kept", "new"]


def test_an_add_and_an_edit_in_the_admin_form_update_the_choices(superuser_client: Client) -> None:
    add = reverse("admin:healthcheck_admin_healthcheckdefinition_add")
    assert superuser_client.post(add, admin_form(tags='["before"]', group="g-1")).status_code == 302
    assert choices(superuser_client, "tag") == ["before"]
    assert choices(superuser_client, "group (declaration)") == ["g-1"]
    row = HealthcheckDefinition.objects.get(key="adm-new")
    edited = admin_form(tags='["after"]', group="g-2")
    assert superuser_client.post(change_url(row), edited).status_code == 302
    assert choices(superuser_client, "tag") == ["after"]
    assert choices(superuser_client, "group (declaration)") == ["g-2"]


def test_a_deleted_row_takes_its_tag_and_group_away(superuser_client: Client) -> None:
    bulk_row("adm-a", tags=["stays"], group="g-stays")
    gone = bulk_row("adm-b", tags=["goes"], group="g-goes")
    assert choices(superuser_client, "tag") == ["goes", "stays"]
    assert choices(superuser_client, "group (declaration)") == ["g-goes", "g-stays"]
    gone.delete()
    assert choices(superuser_client, "tag") == ["stays"]
    assert choices(superuser_client, "group (declaration)") == ["g-stays"]


def _fill(count: int) -> None:
    HealthcheckDefinition.objects.all().delete()
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=f"bulk-{n}", url=f"https://example.com/{n}", tags=[f"t-{n % 5}"], group="g")
        for n in range(count)
    )


def _queries(client: Client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response: Any = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", ["", "?q=bulk-7", "?tag=t-3", "?group=g", "?health=failing"])
def test_the_page_runs_at_most_8_queries_whatever_the_row_count(superuser_client: Client, query: str) -> None:
    counts = []
    for rows in (3, 300):
        _fill(rows)
        first = _queries(superuser_client, query)  # the choices are read again: the rows changed
        again = _queries(superuser_client, query)
        counts.append((first, again))
    assert counts[0] == counts[1]
    assert max(max(pair) for pair in counts) <= 8
    assert counts[0][1] == counts[0][0] - 1  # a cached page skips reading the rows' tags
