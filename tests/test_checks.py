"""One test per system check ID."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import clear_url_caches

from healthcheck_admin.checks import check_settings, check_urlconf


@pytest.fixture(autouse=True)
def _fresh_urls():
    clear_url_caches()
    yield
    clear_url_caches()


def ids(messages):
    return sorted(message.id for message in messages)


@pytest.mark.django_db  # Django 6.1's model checks read the database
def test_the_test_project_has_no_healthcheck_problems():
    messages = [
        m for m in run_checks(include_deployment_checks=False) if (m.id or "").startswith("healthcheck_admin")
    ]
    assert messages == []


@override_settings(ROOT_URLCONF="tests.urlconfs.bad_declarations")
def test_urlconf_problems_each_get_their_id_and_origin():
    messages = check_urlconf()
    assert ids(messages) == [f"healthcheck_admin.E00{n}" for n in (1, 2, 3, 4, 5)]
    by_id = {m.id: m for m in messages}
    assert "'bad-dict/'" in by_id["healthcheck_admin.E001"].msg
    assert "method: 'DELETE' is not supported" in by_id["healthcheck_admin.E001"].msg
    assert "cannot reverse 'needs-arg'" in by_id["healthcheck_admin.E002"].msg
    assert "include()" in by_id["healthcheck_admin.E003"].msg
    assert "without name=" in by_id["healthcheck_admin.E004"].msg
    assert "'same-key'" in by_id["healthcheck_admin.E005"].msg
    assert all(m.hint for m in messages)


@override_settings(HEALTHCHECKS=["not", "a", "dict"])
def test_e010_settings_not_a_dict():
    assert ids(check_settings()) == ["healthcheck_admin.E010"]


@override_settings(HEALTHCHECKS={"HOSTNAME": "example.com", "API_KYE": "x"})
def test_e011_unknown_key_names_it():
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E011"]
    assert "'API_KYE'" in messages[0].msg


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOSTNAME", "https://example.com"),
        ("HOSTNAME", "*.example.com"),
        ("HTTPS", "yes"),
        ("BATCH_SIZE", 0),
        ("TIMEOUT", -1),
        ("ON_REMOVE", "destroy"),
        ("KEY_STRATEGY", "url"),
        ("TAGS", "prod"),
        ("DEFAULT_TIMEOUT_SECONDS", 60),
        ("API_URL", "cronitor.io/api"),
        ("DASHBOARD_URL", "https://cronitor.io/app"),
        ("SYNC_ON_SAVE", 1),
    ],
)
def test_e012_bad_values_name_the_setting_and_value(name, value):
    with override_settings(HEALTHCHECKS={name: value}):
        messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E012"]
    assert f"HEALTHCHECKS[{name!r}] is {value!r}" in messages[0].msg


@override_settings(HEALTHCHECKS={"HOSTNAME": "example.com", "BACKEND": "nowhere.Backend"})
def test_e013_backend_that_cannot_be_imported():
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E013"]
    assert "'nowhere.Backend'" in messages[0].msg


@override_settings(HEALTHCHECKS={"BACKEND": "healthcheck_admin.backends.cronitor.CronitorBackend"})
def test_w001_hostname_missing_for_the_cronitor_backend():
    assert ids(check_settings()) == ["healthcheck_admin.W001"]


@override_settings(
    HEALTHCHECKS={"HOSTNAME": "example.com", "API_KEY": "super-secret-key-value", "TIMEOUT": "x"}
)
def test_settings_messages_never_show_the_api_key():
    messages = check_settings()
    assert messages
    assert all("super-secret-key-value" not in (m.msg + (m.hint or "")) for m in messages)
