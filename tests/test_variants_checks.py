"""Bad variant declarations are system check errors, never an import error (E030-E035)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from healthcheck_admin import Healthcheck
from healthcheck_admin.checks import check_urlconf


@pytest.fixture
def bad_urls(settings: Any) -> Any:
    clear_url_caches()
    settings.ROOT_URLCONF = "tests.urlconfs.variants_bad"
    yield
    clear_url_caches()


@pytest.mark.usefixtures("bad_urls")
def test_each_bad_variant_declaration_is_reported_with_its_id() -> None:
    by_route = {m.msg.split(":")[0]: m for m in check_urlconf()}
    expected = {
        "route 'h/'": ("E030", "hosts='eu.example.com' is not a non-empty list"),
        "route 'h2/'": ("E030", "'https://eu.example.com/' is not a host name"),
        "route 'l/'": ("E032", "'no-i18n' is not inside i18n_patterns()"),
        "route 't/'": ("E033", "targets=['acme'] is not callable"),
        "route 't2/'": ("E033", "raised RuntimeError('tenant database down')"),
        "route 't3/'": ("E033", "returned 'acme', not a Variant"),
        "route 'd/'": ("E034", "variants 'Acme' and 'acme' have the same key"),
        "route 'c/'": ("E035", "hosts and sites cannot be combined"),
    }
    assert set(by_route) == set(expected)
    for route, (check_id, text) in expected.items():
        assert by_route[route].id == f"healthcheck_admin.{check_id}", route
        assert text in by_route[route].msg, by_route[route].msg
        assert by_route[route].hint


def test_sites_without_the_sites_app_is_e031(settings: Any) -> None:
    apps = [app for app in settings.INSTALLED_APPS if app != "django.contrib.sites"]
    clear_url_caches()
    with override_settings(INSTALLED_APPS=apps, ROOT_URLCONF="tests.urlconfs.variants"):
        messages = check_urlconf()
    clear_url_caches()
    assert [(m.id, m.msg) for m in messages] == [
        ("healthcheck_admin.E031", "route 'sites/': sites=True, but django.contrib.sites is not installed")
    ]


def test_bad_variant_arguments_never_raise_at_declaration() -> None:
    arguments: dict[str, Any] = {"hosts": 42, "sites": "yes", "locales": 1, "targets": "nope"}
    check = Healthcheck(**arguments)
    assert (check.hosts, check.sites, check.targets) == (42, "yes", "nope")
