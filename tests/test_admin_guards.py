"""Admin actions keep their permission and CSRF guards; ``run`` refuses hosts outside the allow-list."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from tests.secrets_utils import CHANGELIST, KEYS, PUSH_ALL, action, offered_actions, staff_client

pytestmark = pytest.mark.django_db


# -- permissions and CSRF ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the push runs in a thread, on its own connection
def test_push_needs_the_push_permission(secret_rows, secrets_api):
    denied = staff_client()
    assert "push_to_cronitor" not in offered_actions(denied)
    assert action(denied, "push_to_cronitor").status_code == 403
    assert denied.post(reverse(PUSH_ALL)).status_code == 403
    assert secrets_api.requests == []

    allowed = staff_client("push_healthcheckdefinition")
    assert "push_to_cronitor" in offered_actions(allowed)
    assert action(allowed, "push_to_cronitor").status_code == 200
    assert set(secrets_api.monitors) == set(KEYS)


def test_run_needs_the_run_permission(secret_rows, echo_server):
    denied = staff_client()
    assert "run_now" not in offered_actions(denied)
    assert action(denied, "run_now").status_code == 403
    assert echo_server.recorder.seen == []

    allowed = staff_client("run_healthcheckdefinition")
    assert "run_now" in offered_actions(allowed)
    assert action(allowed, "run_now").status_code == 200
    assert len(echo_server.recorder.seen) == 2


@pytest.mark.django_db(transaction=True)
def test_admin_actions_keep_csrf_protection(secret_rows, secrets_api, echo_server):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", "root@example.com", None))

    assert action(client, "push_to_cronitor").status_code == 403
    assert action(client, "run_now").status_code == 403
    assert client.post(reverse(PUSH_ALL)).status_code == 403
    assert secrets_api.requests == []
    assert echo_server.recorder.seen == []

    client.get(reverse(CHANGELIST))  # sets the CSRF cookie, as a browser would
    token = client.cookies["csrftoken"].value
    assert action(client, "push_to_cronitor", csrfmiddlewaretoken=token).status_code == 200
    assert set(secrets_api.monitors) == set(KEYS)


# -- the run SSRF guard ------------------------------------------------------------------------------


@pytest.fixture
def outside(echo_server, settings, secrets_api) -> dict[str, str]:
    """Checks pointing outside the allow-list (which holds 127.0.0.1 only), and one inside it."""
    settings.ALLOWED_HOSTS = ["testserver"]
    urls = {
        "ssrf-metadata": "http://169.254.169.254/latest/meta-data/iam/",
        "ssrf-localhost": echo_server.url("/echo", host="localhost"),  # reachable, but not allowed
        "ssrf-redirect": echo_server.url(f"/redirect?to={echo_server.url('/echo', host='localhost')}"),
        "inside": echo_server.url("/json"),
    }
    for key, url in urls.items():
        HealthcheckDefinition.objects.create(key=key, url=url, assertions=["response.code = 200"])
    return urls


def test_run_now_refuses_hosts_outside_the_allow_list(outside, echo_server, superuser_client):
    html = action(superuser_client, "run_now", keys=tuple(outside)).content.decode()

    for key in ("ssrf-metadata", "ssrf-localhost", "ssrf-redirect"):
        assert f'data-key="{key}" data-state="refused"' in html, key
    assert 'data-key="inside" data-state="passed"' in html
    assert "host &#x27;169.254.169.254&#x27; is not in the runner&#x27;s allow-list" in html
    assert sorted(request["path"] for request in echo_server.recorder.seen) == ["/json", "/redirect"]


def test_the_run_command_refuses_hosts_outside_the_allow_list(outside, echo_server):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "healthchecks", "run", "--key", *outside, "--json", "--allow-refused", stdout=out, stderr=err
    )

    states = {result["key"]: (result["state"], result["error"]) for result in json.loads(out.getvalue())}
    assert states["inside"] == ("passed", "")
    for key in ("ssrf-metadata", "ssrf-localhost", "ssrf-redirect"):
        state, error = states[key]
        assert state == "refused", (key, states[key])
        assert "is not in the runner's allow-list" in error
    assert "'169.254.169.254'" in states["ssrf-metadata"][1]
    assert sorted(request["path"] for request in echo_server.recorder.seen) == ["/json", "/redirect"]

    text = io.StringIO()
    call_command(
        "healthchecks", "run", "--key", "ssrf-metadata", "--allow-refused", stdout=text, stderr=io.StringIO()
    )
    assert (
        "refused ssrf-metadata: host '169.254.169.254' is not in the runner's allow-list" in text.getvalue()
    )
