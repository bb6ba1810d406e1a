"""Issue 8: the admin never makes a page wait on Cronitor; health shows in the changelist.

Every test talks to the real emulator over loopback.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from tests.sync_utils import healthchecks
from tests.test_remote_import_health import ADMIN_FORM, dashboard_monitor

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
