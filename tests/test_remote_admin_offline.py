"""Issue 8: the admin never waits on Cronitor; health shows in the changelist; env: headers stay masked.

Every test talks to the real emulator over loopback.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import MASK
from healthcheck_admin.sync.refresh import refresh
from healthcheck_admin.sync.service import push
from tests.sync_utils import ADMIN_FORM, command, dashboard_monitor, healthchecks, make_row

pytestmark = pytest.mark.django_db

ADD = reverse("admin:healthcheck_admin_healthcheckdefinition_add")


def _post(superuser_client, **fields: str) -> HealthcheckDefinition:
    data = {**ADMIN_FORM, **fields}
    response = superuser_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return HealthcheckDefinition.objects.get(key=data["key"])


@pytest.mark.parametrize("adopt", [False, True])
def test_the_admin_add_view_sends_no_request_to_cronitor(sync_api, settings, superuser_client, adopt):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(dashboard_monitor("theirs"))  # someone else's: only the push may refuse it
    before = len(sync_api.requests)

    page = superuser_client.get(ADD)
    row = _post(superuser_client, **({"adopt_remote": "on"} if adopt else {}))

    assert len(sync_api.requests) == before
    assert "adopt_remote" in page.content.decode()
    assert (row.adopt_remote, row.status) == (adopt, "pending")


CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")


def _first_column(html: str, key: str) -> str:
    """The first data cell of ``key``'s changelist row (after the action checkbox)."""
    row = next(part for part in html.split("<tr")[1:] if f">{key}</a>" in part)
    return row.split('class="field-', 1)[1].split("</td>", 1)[0].split("</th>", 1)[0]


def test_a_failing_monitor_shows_failing_in_the_first_column_and_under_the_filter(
    sync_api, settings, superuser_client
):
    healthchecks(settings, REFRESH=True)
    for key in ("down", "up"):
        make_row(key)
    push()
    sync_api.set_health("down", passing=False)
    sync_api.set_health("up", passing=True)

    command("refresh")

    html = superuser_client.get(CHANGELIST).content.decode()
    assert _first_column(html, "down").startswith("status_column")
    assert 'data-health="failing"' in _first_column(html, "down")
    assert 'data-health="passing"' in _first_column(html, "up")
    failing = superuser_client.get(CHANGELIST, {"health": "failing"}).content.decode()
    passing = superuser_client.get(CHANGELIST, {"health": "passing"}).content.decode()
    assert ">down</a>" in failing
    assert ">up</a>" not in failing
    assert ">up</a>" in passing
    assert ">down</a>" not in passing


def test_the_refresh_never_stores_the_resolved_value_of_an_env_header(sync_api, settings, monkeypatch):
    healthchecks(settings, REFRESH=True)
    monkeypatch.setenv("HC_REMOTE2_TOKEN", "tok-resolved-9f3a")
    make_row("secret", headers={"X-Custom": "env:HC_REMOTE2_TOKEN"})
    push()
    assert sync_api.monitors["secret"]["request"]["headers"]["X-Custom"] == "tok-resolved-9f3a"

    refresh()

    stored = HealthcheckDefinition.objects.get(key="secret").remote_payload
    assert stored is not None
    assert stored["request"]["headers"]["X-Custom"] == MASK
    assert "tok-resolved" not in json.dumps(stored)
