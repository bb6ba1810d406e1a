"""The admin through Django's test client: listing, ownership, forms, permissions."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.upsert import sync_code_checks
from tests.utils import admin_form, count_queries

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
ADD = reverse("admin:healthcheck_admin_healthcheckdefinition_add")


def change_url(row):
    return reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])


def make_rows(count):
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=f"adm-{n}", url=f"https://example.com/{n}", tags=["t"])
        for n in range(count)
    )


def test_changelist_shows_every_column(superuser_client):
    sync_code_checks()
    HealthcheckDefinition.objects.filter(key="test.index").update(monitor_code="Ab12Cd")
    response = superuser_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("test.index", "GET example.com/", "https://example.com/", "code", "pending", "Ab12Cd"):
        assert text in html
    assert '<a href="https://example.com/"' in html
    assert "https://cronitor.io/app/monitors/test.index" in html
    assert "Push all to Cronitor" in html


def test_changelist_query_count_does_not_grow_with_the_page(superuser_client):
    make_rows(3)
    with count_queries() as few:
        assert superuser_client.get(CHANGELIST).status_code == 200
    make_rows(0)
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=f"more-{n}", url=f"https://example.com/m{n}", tags=[f"t{n % 5}"])
        for n in range(80)
    )
    with count_queries() as many:
        assert superuser_client.get(CHANGELIST).status_code == 200
    assert len(many) == len(few)
    assert 0 < len(few) <= 8


def test_admin_can_create_a_valid_check(superuser_client):
    response = superuser_client.post(ADD, admin_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    row = HealthcheckDefinition.objects.get(key="adm-new")
    assert row.source == "admin"
    assert row.headers == {"Accept": "application/json"}
    assert row.assertions == ["response.code = 200"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://example.com/", "Enter a valid URL."),
        ("url", "/relative/path", "Enter a valid URL."),
        ("headers", '["Accept"]', "expected a dict of strings"),
        ("headers", '{"Accept": 1}', "the value of &#x27;Accept&#x27; must be a string"),
        ("headers", "{not json", "Enter a valid JSON."),
        ("cookies", '{"a": null}', "the value of &#x27;a&#x27; must be a string"),
        ("assertions", '["response.code == 200"]', "unknown operator"),
        ("assertions", '"response.code = 200"', "list"),
        ("timeout_seconds", "16", "out of range; use 1 to 15"),
        ("interval_seconds", "10", "out of range; use 30 to 3600"),
        ("regions", '["mars-1"]', "unknown value &#x27;mars-1&#x27;"),
        ("tags", '"ops"', "expected a list of strings"),
        ("key", "bad key!", "not a valid monitor key"),
        ("body", "payload", "only sent with POST, PUT or PATCH"),
    ],
)
def test_bad_form_input_is_shown_on_its_field_never_a_500(superuser_client, field, value, message):
    response = superuser_client.post(ADD, admin_form(**{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in response.content.decode()
    assert not HealthcheckDefinition.objects.filter(key="adm-new").exists()


def test_code_rows_are_read_only_except_the_override_layer(superuser_client):
    sync_code_checks()
    row = HealthcheckDefinition.objects.get(key="test.index")
    page = superuser_client.get(change_url(row)).content.decode()
    assert "Defined in code: route <code>index</code>" in page
    assert 'name="url"' not in page
    assert 'name="assertions"' not in page
    assert 'name="override_note"' in page
    response = superuser_client.post(
        change_url(row),
        {
            "override_paused": "true",
            "override_note": "maintenance window",
            "extra_tags": '["ops"]',
            "override_notify": '["pager"]',
            "url": "https://evil.example/",
            "name": "hijacked",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row.refresh_from_db()
    assert row.url == "https://example.com/"
    assert row.name == "GET example.com/"
    assert (row.override_paused, row.override_note, row.extra_tags, row.override_notify) == (
        True,
        "maintenance window",
        ["ops"],
        ["pager"],
    )
    # ...and the next upsert from code keeps the override layer.
    sync_code_checks()
    row.refresh_from_db()
    assert row.override_note == "maintenance window"


def test_live_code_rows_cannot_be_deleted_in_the_admin(superuser_client):
    sync_code_checks()
    row = HealthcheckDefinition.objects.get(key="test.index")
    delete = reverse("admin:healthcheck_admin_healthcheckdefinition_delete", args=[row.pk])
    assert superuser_client.get(delete).status_code == 403


def test_sensitive_header_values_are_masked_and_kept(superuser_client):
    secret = "Bearer s3cr3t-t0ken-value"
    row = HealthcheckDefinition.objects.create(
        key="adm-secret",
        url="https://example.com/",
        headers={"Authorization": secret, "Accept": "text/plain"},
        cookies={"session": "cookie-s3cr3t"},
    )
    page = superuser_client.get(change_url(row)).content.decode()
    assert secret not in page
    assert "cookie-s3cr3t" not in page
    assert "text/plain" in page
    form = admin_form(
        key="adm-secret",
        headers=json.dumps({"Authorization": "********", "Accept": "text/html"}),
        cookies=json.dumps({"session": "********"}),
    )
    assert superuser_client.post(change_url(row), form).status_code == 302
    row.refresh_from_db()
    assert row.headers == {"Authorization": secret, "Accept": "text/html"}
    assert row.cookies == {"session": "cookie-s3cr3t"}


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("ops", "ops@example.com", "pw", is_staff=True)
    for codename in ("view_healthcheckdefinition", "change_healthcheckdefinition"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


def test_staff_without_push_permission_has_no_push_action_and_gets_403(staff_client):
    make_rows(1)
    html = staff_client.get(CHANGELIST).content.decode()
    assert "push_to_cronitor" not in html
    assert "run_now" not in html
    assert "Push all to Cronitor" not in html
    row = HealthcheckDefinition.objects.get()
    posted = staff_client.post(CHANGELIST, {"action": "push_to_cronitor", "_selected_action": [row.pk]})
    assert posted.status_code == 403
    assert (
        staff_client.post(CHANGELIST, {"action": "run_now", "_selected_action": [row.pk]}).status_code == 403
    )
    push_all = reverse("admin:healthcheck_admin_healthcheckdefinition_push_all")
    assert staff_client.post(push_all).status_code == 403


def test_push_all_is_post_only(superuser_client):
    push_all = reverse("admin:healthcheck_admin_healthcheckdefinition_push_all")
    assert superuser_client.get(push_all).status_code == 405


def test_admin_actions_keep_csrf_protection(client):
    from django.test import Client

    user = User.objects.create_superuser("root", "root@example.com", "pw")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    make_rows(1)
    row = HealthcheckDefinition.objects.get()
    response = strict.post(CHANGELIST, {"action": "push_to_cronitor", "_selected_action": [row.pk]})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_an_empty_override_layer_inherits_from_code(superuser_client):
    sync_code_checks()
    row = HealthcheckDefinition.objects.get(key="test.index")
    HealthcheckDefinition.objects.filter(pk=row.pk).update(note="from code", notify=["code-list"])
    page = superuser_client.get(change_url(row)).content.decode()
    assert ">null</textarea>" not in page  # None is shown empty, not as JSON null
    assert "Inherit from code" in page
    form = {"override_paused": "unknown", "override_note": "", "override_notify": "", "extra_tags": "[]"}
    assert superuser_client.post(change_url(row), form).status_code == 302
    row.refresh_from_db()
    assert (row.override_paused, row.override_note, row.override_notify) == (None, None, None)
    assert row.effective_note == "from code"
    assert row.effective_notify == ["code-list"]


@pytest.mark.django_db(transaction=True)
def test_editing_one_row_in_the_admin_sends_exactly_one_monitor(client, cronitor_settings):
    from healthcheck_admin.sync import tasks
    from healthcheck_admin.sync.service import push

    emulator = cronitor_settings
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    # bulk_create sends no post_save: no background push competes with the test's own writes.
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(key=f"adm-{number}", url=f"https://example.com/{number}") for number in range(3)
    )
    assert push().ok
    emulator.requests.clear()
    row = HealthcheckDefinition.objects.get(key="adm-1")
    response = client.post(change_url(row), admin_form(key="adm-1", url=row.url, note="edited in the admin"))
    assert response.status_code == 302
    assert tasks.wait_for_background_pushes(timeout=10)
    assert [monitor["key"] for monitor in emulator.sent_monitors()] == ["adm-1"]
    assert len(emulator.monitor_puts()) == 1
    assert emulator.monitors["adm-1"]["note"] == "edited in the admin"
