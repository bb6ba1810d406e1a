"""The ops admin through Django's test client: true status, filters, background pushes, the review
step, snooze and the delete confirmation (issue 11); counted messages are in test_admin_outcome_messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from healthcheck_admin.admin.columns import status_text
from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from healthcheck_admin.sync import progress, tasks
from healthcheck_admin.sync.payload import monitor_for
from tests.utils import admin_form, bulk_row, change_url, count_queries, message_texts, user_with

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
STATUS = HealthcheckDefinition.STATUS


# -- 1. true status -------------------------------------------------------------------------------
def test_a_save_that_changes_a_pushed_field_makes_a_synced_row_pending():
    row = bulk_row("adm-a", status=STATUS.synced)
    row = HealthcheckDefinition.objects.get(pk=row.pk)
    row.note = "changed"
    row.save()
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.pending
    HealthcheckDefinition.objects.filter(pk=row.pk).update(status=STATUS.synced)
    row = HealthcheckDefinition.objects.get(pk=row.pk)
    row.save()  # nothing pushed changed: it stays synced
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.synced


#: What the status column says for a (sync state, health): no health where it adds nothing.
BADGES = {
    ("synced", "passing"): "synced · passing",
    ("synced", "failing"): "synced · failing",
    ("pending", "unknown"): "pending",
    ("failed", "paused"): "failed · paused",
    ("disabled", "disabled"): "disabled",
    ("pushing", "passing"): "pushing · passing",
}


@pytest.mark.parametrize(("status", "health"), BADGES)
def test_the_status_badge_says_sync_state_and_health_in_words(status, health):
    assert status_text(HealthcheckDefinition(key="k", status=status, health=health)) == BADGES[status, health]


def test_the_changelist_shows_status_first_and_the_error_cut_short_with_the_whole_text_on_hover(
    superuser_client,
):
    error = "Cronitor rejected the monitor: " + "the assertion is not valid " * 10
    bulk_row("adm-err", status=STATUS.failed, health="failing", last_error=error)
    html = superuser_client.get(CHANGELIST).content.decode()
    header = html.index('class="sortable column-status_column')
    assert header < html.index("column-key")
    assert 'data-status="failed" data-health="failing">failed · failing</span>' in html
    assert f'title="{error.strip()}"' in html
    assert error.strip() not in html.replace(f'title="{error.strip()}"', "")  # shown whole only in the title


def test_long_urls_are_cut_with_the_whole_url_in_the_title(superuser_client):
    url = "https://example.com/" + "very-long-path/" * 12
    HealthcheckDefinition.objects.bulk_create([HealthcheckDefinition(key="adm-long", url=url)])
    html = superuser_client.get(CHANGELIST).content.decode()
    assert f'title="{url}"' in html
    assert f">{url}</a>" not in html


def test_the_changelist_query_count_stays_constant_with_pushes_and_snoozes(superuser_client):
    bulk_row("adm-0")
    progress.start(10, 1)
    with count_queries() as few:
        assert superuser_client.get(CHANGELIST).status_code == 200
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(
            key=f"more-{n}",
            url=f"https://example.com/{n}",
            health="failing",
            snoozed_until=timezone.now() + timedelta(hours=1),
        )
        for n in range(120)
    )
    with count_queries() as many:
        assert superuser_client.get(CHANGELIST).status_code == 200
    assert len(many) == len(few) <= 8


# -- 4. pushes off the request --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_push_action_answers_at_once_and_reports_the_outcome_when_done(superuser_client, settings):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    rows = [bulk_row(f"adm-{n}") for n in range(3)]
    response = superuser_client.post(
        CHANGELIST, {"action": "push_to_cronitor", "_selected_action": [r.pk for r in rows], "index": "0"}
    )
    assert response.status_code == 302
    assert message_texts(response) == ["Push of 3 monitors started in the background."]
    assert tasks.wait_for_background_pushes(timeout=30)
    assert set(HealthcheckDefinition.objects.values_list("status", flat=True)) == {STATUS.synced}
    page = superuser_client.get(CHANGELIST)  # the redirect's page: what started, then how it ended
    assert message_texts(page) == ["Push of 3 monitors started in the background.", "Pushed 3 monitors."]
    assert message_texts(superuser_client.get(CHANGELIST)) == []  # shown once


def test_while_a_push_runs_the_changelist_says_how_far_it_got(superuser_client):
    bulk_row("adm-0", status=STATUS.pushing)
    progress.start(300, 0)
    progress.advance(100, 300)
    html = superuser_client.get(CHANGELIST).content.decode()
    assert "A push is running: 100 of 300 monitors sent so far." in html
    assert ">pushing</span>" in html


# -- 5. change page -------------------------------------------------------------------------------
def test_the_change_page_has_the_sync_panel_history_and_buttons(superuser_client):
    row = bulk_row(
        "adm-x", status=STATUS.failed, last_error="Cronitor answered 500: boom", monitor_code="Ab12"
    )
    HealthcheckEvent.objects.create(definition=row, key=row.key, kind="snooze", message="paused for 2 h")
    html = superuser_client.get(change_url(row)).content.decode()
    assert html.index("hc-panel") < html.index('name="name"')
    assert "Cronitor answered 500: boom" in html
    assert "https://cronitor.io/app/monitors/adm-x" in html
    assert "paused for 2 h" in html
    assert "Push this check" in html
    assert "Run now" in html


def test_a_code_row_shows_code_override_and_result_side_by_side(superuser_client):
    from healthcheck_admin.upsert import sync_code_checks

    sync_code_checks()
    row = HealthcheckDefinition.objects.get(key="test.index")
    HealthcheckDefinition.objects.filter(pk=row.pk).update(note="from code", override_note="from ops")
    html = superuser_client.get(change_url(row)).content.decode()
    assert (
        '<tr data-field="note"><th>note</th><td>from code</td><td>from ops</td><td>from ops</td></tr>' in html
    )


@pytest.mark.parametrize(("mode", "words"), [("pause", "paused"), ("delete", "deleted"), ("keep", "left")])
def test_the_delete_confirmation_says_what_happens_to_the_monitor(superuser_client, settings, mode, words):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "ON_REMOVE": mode}
    row = bulk_row("adm-del")
    url = reverse("admin:healthcheck_admin_healthcheckdefinition_delete", args=[row.pk])
    html = superuser_client.get(url).content.decode()
    assert f"ON_REMOVE is &#x27;{mode}&#x27;: its monitor" in html
    assert words in html


# -- 7. snooze ------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_snooze_only_user_can_snooze_and_nothing_else(client, cronitor_settings):
    row = bulk_row("adm-s", status=STATUS.synced)
    cronitor_settings.add_monitors(monitor_for(row))
    client.force_login(user_with("view", "snooze"))
    response = client.post(
        CHANGELIST, {"action": "snooze_for_hours", "hours": "3", "_selected_action": [row.pk], "index": "0"}
    )
    assert response.status_code == 302
    assert message_texts(response) == ["Paused 1 monitor for 3 h; it resumes by itself."]
    assert tasks.wait_for_background_pushes(timeout=30)
    row.refresh_from_db()
    assert row.snoozed_until is not None
    assert timedelta(hours=2, minutes=59) < row.snoozed_until - timezone.now() <= timedelta(hours=3)
    assert [r.path for r in cronitor_settings.requests_to("GET")][-1].endswith("/adm-s/pause/3")
    assert HealthcheckEvent.objects.get(key="adm-s").kind == "snooze"
    assert "paused" not in monitor_for(row)  # no push ends the pause early
    assert "left)" in client.get(CHANGELIST).content.decode()
    assert client.post(change_url(row), admin_form(key="adm-s")).status_code == 403
    for action in ("push_to_cronitor", "run_now", "delete_selected"):
        posted = client.post(CHANGELIST, {"action": action, "_selected_action": [row.pk], "index": "0"})
        assert posted.status_code == 403, action
    push_all = reverse("admin:healthcheck_admin_healthcheckdefinition_push_all")
    assert client.post(push_all).status_code == 403


def snooze_post(client, row: HealthcheckDefinition, hours: str):
    data = {"action": "snooze_for_hours", "hours": hours, "_selected_action": [row.pk], "index": "0"}
    return client.post(CHANGELIST, data)


@pytest.mark.parametrize("hours", ["", "0", "169", "two", "-3", "4.5"])
def test_snooze_hours_outside_1_to_168_say_how_many_to_enter_and_pause_nothing(
    superuser_client, cronitor_settings, hours
):
    row = bulk_row("adm-s", status=STATUS.synced)
    response = snooze_post(superuser_client, row, hours)
    assert response.status_code == 302
    assert message_texts(response) == ["Enter the hours to pause for, from 1 to 168."]
    row.refresh_from_db()
    assert row.snoozed_until is None
    assert not HealthcheckEvent.objects.filter(key="adm-s").exists()
    assert cronitor_settings.requests == []


def test_an_expired_snooze_clears_itself(superuser_client):
    bulk_row("adm-old", snoozed_until=timezone.now() - timedelta(minutes=1))
    html = superuser_client.get(CHANGELIST).content.decode()
    assert "snoozed" not in html
    row = HealthcheckDefinition.objects.get(key="adm-old")
    assert row.snoozed_until is None
    assert monitor_for(row).get("paused", False) is False  # nobody set paused: omitted (issue 8)


# -- 8. the push permission -----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_save_without_the_push_permission_waits_for_review(client, cronitor_settings):
    row = bulk_row("adm-r", status=STATUS.synced)
    client.force_login(user_with("view", "change"))
    response = client.post(change_url(row), admin_form(key="adm-r", note="needs review"))
    assert response.status_code == 302
    assert any("must push it" in text for text in message_texts(response))
    assert tasks.wait_for_background_pushes(timeout=30)
    assert cronitor_settings.monitor_puts() == []
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.pending


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reviewed", [True, False], ids=["with-permission", "setting-off"])
def test_a_save_with_the_push_permission_or_the_setting_off_pushes(
    client, cronitor_settings, settings, reviewed
):
    if not reviewed:
        settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "ADMIN_SAVE_NEEDS_PUSH_PERMISSION": False}
    row = bulk_row("adm-p", status=STATUS.synced)
    client.force_login(user_with("view", "change", *(["push"] if reviewed else [])))
    response = client.post(change_url(row), admin_form(key="adm-p", note="pushed on save"))
    assert response.status_code == 302
    assert not any("must push it" in text for text in message_texts(response))
    assert tasks.wait_for_background_pushes(timeout=30)
    assert cronitor_settings.monitors["adm-p"]["note"] == "pushed on save"
    assert HealthcheckDefinition.objects.get(pk=row.pk).status == STATUS.synced
