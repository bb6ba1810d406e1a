"""``EXPIRES_AFTER`` and an ``env:`` ``HOSTNAME``: what ``manage.py check`` says, and what a URL gets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import ERROR, WARNING

from healthcheck_admin.checks import check_settings
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.upsert import sync_code_checks

CRONITOR = "healthcheck_admin.backends.cronitor.CronitorBackend"
VARIABLE = "HC_TEST_REVIEW_APP_URL"


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


@pytest.mark.parametrize("value", ["3d", "1 day", "36h", "2 weeks", "366 days"])
def test_a_readable_expiry_of_a_day_or_more_is_accepted(settings: Any, value: str) -> None:
    settings.HEALTHCHECKS = {"HOSTNAME": "example.com", "ENVIRONMENT": "pr-1", "EXPIRES_AFTER": value}
    assert check_settings() == []


@pytest.mark.parametrize("value", ["3 days later", "12h", "0d", "400d", 3, "", "d"])
def test_a_bad_expiry_is_a_setting_error(settings: Any, value: object) -> None:
    settings.HEALTHCHECKS = {"HOSTNAME": "example.com", "ENVIRONMENT": "pr-1", "EXPIRES_AFTER": value}
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E012"]
    assert "EXPIRES_AFTER" in messages[0].msg
    assert "'3d'" in messages[0].msg


def test_an_expiry_needs_an_environment(settings: Any) -> None:
    settings.HEALTHCHECKS = {"HOSTNAME": "example.com", "EXPIRES_AFTER": "3d"}
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E016"]
    assert messages[0].level == ERROR


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("https://pr-12.onrender.com", "pr-12.onrender.com"),
        ("https://pr-12.onrender.com/", "pr-12.onrender.com"),
        ("pr-12.example.com", "pr-12.example.com"),
        ("http://localhost:8000", "localhost:8000"),
    ],
)
def test_hostname_reads_a_host_or_url_from_the_environment(
    settings: Any, monkeypatch: Any, value: str, host: str
) -> None:
    monkeypatch.setenv(VARIABLE, value)
    settings.HEALTHCHECKS = {"BACKEND": CRONITOR, "HOSTNAME": f"env:{VARIABLE}"}
    assert host == app_settings.HOSTNAME
    assert check_settings() == []


@pytest.mark.django_db
def test_code_checks_get_the_host_from_the_environment(settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv(VARIABLE, "https://pr-12.onrender.com")
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "HOSTNAME": f"env:{VARIABLE}"}
    sync_code_checks()
    urls = list(HealthcheckDefinition.objects.filter(source="code").values_list("url", flat=True))
    assert urls
    assert all(url.startswith("https://pr-12.onrender.com/") for url in urls)


def test_an_unset_variable_warns_without_naming_it(settings: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    settings.HEALTHCHECKS = {"BACKEND": CRONITOR, "HOSTNAME": f"env:{VARIABLE}"}
    assert app_settings.HOSTNAME is None
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.W003"]
    assert messages[0].level == WARNING
    assert VARIABLE not in f"{messages[0].msg} {messages[0].hint}"


@pytest.mark.parametrize("value", ["https://pr-12.onrender.com/app", "ftp://pr-12.example.com", "not a host"])
def test_a_variable_holding_no_host_is_an_error_showing_neither_name_nor_value(
    settings: Any, monkeypatch: Any, value: str
) -> None:
    monkeypatch.setenv(VARIABLE, value)
    settings.HEALTHCHECKS = {"BACKEND": CRONITOR, "HOSTNAME": f"env:{VARIABLE}"}
    assert app_settings.HOSTNAME is None
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E015"]
    shown = f"{messages[0].msg} {messages[0].hint}"
    assert VARIABLE not in shown
    assert value not in shown


def test_a_malformed_reference_is_a_setting_error_that_hides_it(settings: Any) -> None:
    settings.HEALTHCHECKS = {"BACKEND": CRONITOR, "HOSTNAME": "env:NOT A NAME"}
    messages = check_settings()
    assert ids(messages) == ["healthcheck_admin.E012"]
    assert "NOT A NAME" not in messages[0].msg
