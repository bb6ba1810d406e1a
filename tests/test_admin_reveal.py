"""Revealing a masked value: only with ``reveal_healthcheckdefinition``, by POST, recorded and logged."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from tests.utils import secret_row

pytestmark = pytest.mark.django_db

SECRET = "Bearer Rv1authZ-q8Tn3Lc5Wx"
COOKIE = "Rv2theme-z4Hd9Pk2Sa"
REVEAL = "admin:healthcheck_admin_healthcheckdefinition_reveal"


@pytest.fixture
def reveal_row() -> HealthcheckDefinition:
    return secret_row(
        "rev-code", {"Authorization": SECRET, "Accept": "json"}, {"theme": COOKIE}, source="code", route="rev"
    )


def client_with(*codenames: str) -> Client:
    user = User.objects.create_user("u-" + "-".join(codenames) or "u", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "codenames",
    [("view_healthcheckdefinition",), ("view_healthcheckdefinition", "change_healthcheckdefinition")],
)
def test_without_the_reveal_permission_nothing_is_revealed(reveal_row, codenames):
    client = client_with(*codenames)
    url = reverse(REVEAL, args=[reveal_row.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"field": "headers", "name": "Authorization"})
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert not HealthcheckEvent.objects.exists()


def test_a_reveal_shows_the_value_once_and_records_who_saw_which_without_the_value(reveal_row, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_with("view_healthcheckdefinition", "reveal_healthcheckdefinition")
    url = reverse(REVEAL, args=[reveal_row.pk])

    chooser = client.get(url, {"field": "headers"})
    assert chooser.status_code == 200
    assert SECRET not in chooser.content.decode()
    assert 'value="Authorization"' in chooser.content.decode()
    assert 'value="Accept"' not in chooser.content.decode()  # not masked: nothing to reveal

    shown = client.post(url, {"field": "headers", "name": "Authorization"})
    assert shown.status_code == 200
    assert SECRET in shown.content.decode()
    assert COOKIE in client.post(url, {"field": "cookies", "name": "theme"}).content.decode()

    events = list(HealthcheckEvent.objects.order_by("pk"))
    assert [(e.kind, e.key, e.actor) for e in events] == [("reveal", "rev-code", events[0].actor)] * 2
    assert events[0].actor.startswith("u-")
    assert "'Authorization'" in events[0].message
    everything = caplog.text + " ".join(f"{e.message} {e.detail}" for e in events)
    assert SECRET not in everything
    assert COOKIE not in everything
    assert "revealed the header 'Authorization'" in caplog.text


def test_a_reveal_of_an_unmasked_or_unknown_value_is_refused(reveal_row):
    client = client_with("view_healthcheckdefinition", "reveal_healthcheckdefinition")
    url = reverse(REVEAL, args=[reveal_row.pk])
    assert client.post(url, {"field": "headers", "name": "Accept"}).status_code == 404
    assert client.post(url, {"field": "body", "name": "x"}).status_code == 404
    assert client.post(url, {"field": "headers", "name": "X-Missing"}).status_code == 404
    assert not HealthcheckEvent.objects.exists()


def test_the_read_only_page_links_to_the_reveal_only_for_users_who_may_reveal(reveal_row):
    change = reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[reveal_row.pk])
    link = reverse(REVEAL, args=[reveal_row.pk]) + "?field=headers"
    may = client_with("view_healthcheckdefinition", "reveal_healthcheckdefinition").get(change)
    may_not = client_with("view_healthcheckdefinition").get(change)
    assert link in may.content.decode()
    assert link not in may_not.content.decode()
    for page in (may, may_not):
        assert SECRET not in page.content.decode()
        assert COOKIE not in page.content.decode()
