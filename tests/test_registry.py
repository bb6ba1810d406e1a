"""Finding declared checks in the URLconf and resolving them to rows (no database)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import URLPattern, clear_url_caches

from healthcheck_admin import Healthcheck, path, put, re_path, url
from healthcheck_admin.keys import default_key, legacy_key
from healthcheck_admin.registry import collect, declared_checks
from healthcheck_admin.routing import HEALTHCHECK_ATTR, PROBLEM_ATTR, clear_extra
from tests.testapp import views


@pytest.fixture(autouse=True)
def _fresh_urls():
    clear_url_caches()
    clear_extra()
    yield
    clear_url_caches()
    clear_extra()


def specs_by_route(urlconf=None):
    return {spec.values["route"]: spec for spec in collect(urlconf).specs}


@pytest.mark.parametrize("helper", [path, re_path, url])
def test_each_helper_returns_a_django_pattern_with_the_check(helper):
    route = "x/" if helper is path else r"^x/$"
    pattern = helper(route, views.ok, name="x", healthcheck=True)
    assert isinstance(pattern, URLPattern)
    assert pattern.name == "x"
    assert getattr(pattern, HEALTHCHECK_ATTR) == Healthcheck()


@pytest.mark.parametrize("helper", [path, re_path, url])
def test_helpers_without_healthcheck_are_plain_django(helper):
    pattern = helper("x/" if helper is path else r"^x/$", views.ok, {"extra": 1}, "x")
    assert not hasattr(pattern, "healthcheck")
    assert pattern.default_args == {"extra": 1}


def test_a_bad_dict_does_not_break_the_urlconf_import():
    pattern = path("x/", views.ok, name="x", healthcheck={"timeout_seconds": 99})
    assert getattr(pattern, PROBLEM_ATTR)[0] == "E001"
    assert "timeout_seconds" in getattr(pattern, PROBLEM_ATTR)[1]


def test_test_urlconf_resolves_every_declared_check():
    specs = specs_by_route()
    assert set(specs) == {"index", "search", "leads-detail", "shop:home", "shop:item"}
    assert specs["index"].values["url"] == "https://example.com/"
    assert specs["search"].values["url"] == "https://example.com/search/Acme/"
    assert specs["leads-detail"].values["method"] == "PUT"
    assert specs["leads-detail"].values["body"] == '{"name": "Spacely Sprockets"}'
    assert specs["leads-detail"].values["name"] == "Lead API Update"


def test_namespaced_include_honours_prefix_namespace_and_args():
    specs = specs_by_route()
    assert specs["shop:home"].values["url"] == "https://example.com/shop/"
    assert specs["shop:item"].values["url"] == "https://example.com/shop/item/7/"
    assert specs["shop:item"].key == "test.shop:item.7"


def test_default_name_is_method_host_and_path():
    assert specs_by_route()["index"].values["name"] == "GET example.com/"


def test_keys_come_from_environment_route_method_and_arguments():
    specs = specs_by_route()
    assert specs["index"].key == "test.index"
    assert specs["search"].key == "test.search.query-acme"
    assert specs["leads-detail"].key == "test.leads-detail.put.lead-12345"


def test_no_route_without_a_check_becomes_a_row():
    assert "tos" not in specs_by_route()


def test_a_moved_path_keeps_its_key():
    before = specs_by_route("tests.urlconfs.moved_before")["status"]
    after = specs_by_route("tests.urlconfs.moved_after")["status"]
    assert before.values["url"] != after.values["url"]
    assert before.key == after.key == "test.status"


@override_settings(ROOT_URLCONF="tests.urlconfs.legacy")
def test_legacy_url_helper_with_seed_style_declarations():
    specs = specs_by_route()
    assert specs["search"].values["url"] == "https://example.com/search/Acme/?page=1"
    assert specs["search"].values["assertions"] == ["response.body contains Cosmo"]
    assert specs["shop:home"].values["url"] == "https://example.com/shop/"


@override_settings(HEALTHCHECKS={"HOSTNAME": "www.acme.test", "HTTPS": False, "ENVIRONMENT": "staging"})
def test_scheme_host_and_environment_come_from_settings():
    spec = specs_by_route()["index"]
    assert spec.values["url"] == "http://www.acme.test/"
    assert spec.key == "staging.index"


@override_settings(HEALTHCHECKS={"ENVIRONMENT": "test"}, ALLOWED_HOSTS=["*"])
def test_hostname_is_never_guessed_from_allowed_hosts():
    assert specs_by_route()["index"].values["url"] == "/"


def test_put_registers_checks_for_routes_you_do_not_own():
    put([Healthcheck(route="admin:login", name="Admin login"), {"route": "admin:index", "method": "HEAD"}])
    specs = specs_by_route()
    assert specs["admin:login"].values["url"] == "https://example.com/admin/login/"
    assert specs["admin:index"].values["method"] == "HEAD"


def test_put_needs_a_route():
    from healthcheck_admin import HealthcheckError

    with pytest.raises(HealthcheckError, match="route: put\\(\\) needs route="):
        put([Healthcheck(name="nowhere")])


def test_put_twice_registers_once():
    put([Healthcheck(route="admin:login")])
    put([Healthcheck(route="admin:login")])
    assert len([d for d in declared_checks()[0] if d.route == "admin:login"]) == 1


def test_spec_fingerprint_changes_with_a_code_field_only():
    first = specs_by_route()["index"]
    again = specs_by_route()["index"]
    assert first.fingerprint == again.fingerprint
    with override_settings(HEALTHCHECKS={"HOSTNAME": "other.test", "ENVIRONMENT": "test"}):
        moved = specs_by_route()["index"]
    assert moved.fingerprint != first.fingerprint


def test_collected_set_fingerprint_is_order_independent():
    a = collect()
    b = collect()
    assert a.fingerprint == b.fingerprint


def test_long_keys_are_shortened_with_a_digest():
    key = default_key("route", "GET", [], {"q": "x" * 200})
    assert len(key) == 100
    assert key != default_key("route", "GET", [], {"q": "x" * 199 + "y"})


@override_settings(DEBUG=False)
def test_legacy_key_matches_django_auto_healthchecks():
    # sha1(b"prodGET example.com/status/"), base64, 12 characters, '+' and '/' dropped.
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha1(b"prodGET example.com/status/").digest())[:12].decode()
    assert legacy_key("GET", "example.com", "/status/") == digest.replace("+", "").replace("/", "")


@override_settings(HEALTHCHECKS={"HOSTNAME": "example.com", "KEY_STRATEGY": "legacy"}, DEBUG=True)
def test_legacy_strategy_is_used_for_derived_keys():
    spec = specs_by_route()["index"]
    assert spec.key == legacy_key("GET", "example.com", "/")
