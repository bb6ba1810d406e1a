"""The change page's "Push this check" and "Run now" buttons, "Push all" edge cases, and the messages
about a push that is still running or that stopped, through Django's test client on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.sync import progress, tasks
from tests.utils import admin_form, bulk_row, change_url, message_texts, user_with

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
PUSH_ALL = reverse("admin:healthcheck_admin_healthcheckdefinition_push_all")
STATUS = HealthcheckDefinition.STATUS


def push_one(row: HealthcheckDefinition) -> str:
    return reverse("admin:healthcheck_admin_healthcheckdefinition_push_one", args=[row.pk])


def run_one(row: HealthcheckDefinition) -> str:
    return reverse("admin:healthcheck_admin_healthcheckdefinition_run_one", args=[row.pk])


# -- push this check --------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # the push runs in a thread, on its own connection
def test_push_this_check_sends_only_that_row_and_returns_to_its_page(superuser_client, sync_api):
    row, other = bulk_row("btn-one"), bulk_row("btn-other")
    response = superuser_client.post(push_one(row))
    assert response.status_code == 302
    assert response["Location"] == change_url(row)
    assert message_texts(response) == ["Push of 1 monitor started in the background."]
    assert tasks.wait_for_background_pushes(timeout=30)
    assert set(sync_api.monitors) == {"btn-one"}
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.synced
    assert HealthcheckDefinition.objects.get(pk=other.pk).status == STATUS.pending


def test_push_this_check_is_post_only_needs_the_permission_and_a_row(
    client, superuser_client, cronitor_settings
):
    row = bulk_row("btn-guard")
    assert superuser_client.get(push_one(row)).status_code == 405
    missing = reverse("admin:healthcheck_admin_healthcheckdefinition_push_one", args=[row.pk + 1000])
    assert superuser_client.post(missing).status_code == 404
    client.force_login(user_with("view", "change", name="viewer"))
    assert client.post(push_one(row)).status_code == 403
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.pending
    assert cronitor_settings.requests == []


# -- run now ----------------------------------------------------------------------------------------
def test_run_now_button_checks_that_row_and_shows_its_result(superuser_client, echo_server):
    row = bulk_row("btn-run", name="Echo", assertions=["response.code = 200"])
    HealthcheckDefinition.objects.filter(pk=row.pk).update(url=echo_server.url("/echo"))
    bulk_row("btn-not-run")
    response = superuser_client.post(run_one(row))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-key="btn-run" data-state="passed"' in html
    assert "btn-not-run" not in html
    assert [seen["path"] for seen in echo_server.recorder.seen] == ["/echo"]


def test_run_now_button_is_post_only_and_needs_the_permission(client, superuser_client, echo_server):
    row = bulk_row("btn-run-guard")
    HealthcheckDefinition.objects.filter(pk=row.pk).update(url=echo_server.url("/echo"))
    assert superuser_client.get(run_one(row)).status_code == 405
    client.force_login(user_with("view", "change", name="viewer"))
    assert client.post(run_one(row)).status_code == 403
    assert echo_server.recorder.seen == []


# -- push all ---------------------------------------------------------------------------------------
def test_push_all_with_no_rows_says_there_is_nothing_to_push(superuser_client, cronitor_settings):
    response = superuser_client.post(PUSH_ALL)
    assert response.status_code == 302
    assert message_texts(response) == ["Nothing to push."]
    assert progress.current() is None
    assert cronitor_settings.requests == []


def test_a_second_push_waits_for_the_running_one(superuser_client, cronitor_settings):
    row = bulk_row("btn-busy")
    progress.start(5, 0)
    progress.advance(2, 5)
    response = superuser_client.post(PUSH_ALL)
    assert message_texts(response) == ["A push is already running (2 of 5 sent); wait for it to finish."]
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.pending
    current = progress.current()
    assert current is not None
    assert current.total == 5
    assert cronitor_settings.requests == []


# -- the outcome of a push that stopped ---------------------------------------------------------------
def test_a_crashed_push_is_reported_once_to_the_user_who_started_it(superuser_client):
    user = User.objects.get(username="root")
    progress.start(3, user.pk)
    progress.crash()
    expected = ["The last push stopped before it finished; see the server log."]
    assert message_texts(superuser_client.get(CHANGELIST)) == expected
    assert message_texts(superuser_client.get(CHANGELIST)) == []


def test_a_push_silent_for_too_long_is_reported_as_stopped(superuser_client):
    user = User.objects.get(username="root")
    progress.start(3, user.pk)
    RegistryState.objects.filter(name=progress.NAME).update(
        updated=timezone.now() - progress.STALE_AFTER - timedelta(minutes=1)
    )
    html_response = superuser_client.get(CHANGELIST)
    assert message_texts(html_response) == ["The last push stopped before it finished; see the server log."]
    assert message_texts(superuser_client.get(CHANGELIST)) == []  # reported once
    current = progress.current()
    assert current is not None
    assert not current.running  # being reported refreshed the row, yet it stays stopped
    assert message_texts(superuser_client.post(PUSH_ALL)) == [
        "Nothing to push."
    ]  # not blocked by the stalled one


# -- saving an unchanged form ---------------------------------------------------------------------------
def as_posted(page) -> dict[str, str]:
    """The change form of ``page`` posted back exactly as the browser would send it, unedited."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        values = {name: form[name].value()}
        if field.show_hidden_initial:  # fields with a callable default also send their initial value
            values[form.add_initial_prefix(name)] = form[name].initial
        for posted, value in values.items():
            if value is True:
                data[posted] = "on"
            elif value is not False:
                data[posted] = "" if value is None else str(value)
    return data


def test_saving_an_unchanged_form_writes_nothing(superuser_client):
    add = reverse("admin:healthcheck_admin_healthcheckdefinition_add")
    assert superuser_client.post(add, admin_form(key="btn-same")).status_code == 302
    row = HealthcheckDefinition.objects.get(key="btn-same")
    earlier = timezone.now() - timedelta(days=1)
    HealthcheckDefinition.objects.filter(pk=row.pk).update(modified=earlier)
    data = as_posted(superuser_client.get(change_url(row)))
    assert superuser_client.post(change_url(row), data).status_code == 302
    assert HealthcheckDefinition.objects.get(pk=row.pk).modified == earlier  # nothing was written
    data["note"] = "edited"
    assert superuser_client.post(change_url(row), data).status_code == 302
    edited = HealthcheckDefinition.objects.get(pk=row.pk)
    assert (edited.note, edited.modified > earlier) == ("edited", True)
