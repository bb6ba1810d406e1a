"""One declaration, many targets: the rows, URLs, keys and groups that the variants become."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sites.models import Site
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from healthcheck_admin import Variant
from healthcheck_admin.keys import variant_key
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.registry import collect
from healthcheck_admin.sync.service import push
from healthcheck_admin.upsert import sync_code_checks
from tests.urlconfs import variants as urlconf

LANGUAGES = [("en", "English"), ("de", "German"), ("fr", "French")]


@pytest.fixture
def variant_urls() -> Iterator[None]:
    clear_url_caches()
    saved = list(urlconf.TENANTS)
    with override_settings(ROOT_URLCONF="tests.urlconfs.variants", LANGUAGES=LANGUAGES, LANGUAGE_CODE="en"):
        yield
    urlconf.TENANTS[:] = saved
    clear_url_caches()


def _rows() -> dict[str, Any]:
    return {row.key: row for row in HealthcheckDefinition.objects.filter(removed_at__isnull=True)}


@pytest.fixture
def rows(db: None, variant_urls: None) -> dict[str, Any]:
    """The live rows after one upsert of the variants URLconf, by key."""
    sync_code_checks()
    return _rows()


def test_variant_keys_are_the_route_key_and_the_slug_of_the_name() -> None:
    assert variant_key("test.status", "EU.example.com") == "test.status-eu.example.com"
    assert variant_key("test.status", "x" * 200).startswith("test.status-xxx")
    assert len(variant_key("test.status", "x" * 200)) == 100


def test_hosts_give_one_row_per_host_with_its_url_and_key(rows: dict[str, Any]) -> None:
    eu, us = rows["test.status-eu.example.com"], rows["test.status-us.example.com"]
    assert (eu.url, us.url) == ("https://eu.example.com/status/", "https://us.example.com/status/")
    assert (eu.name, eu.group, us.group) == ("GET eu.example.com/status/", "test.status", "test.status")
    assert "test.status" not in rows


@pytest.mark.django_db
@pytest.mark.usefixtures("variant_urls")
def test_sites_give_one_row_per_site() -> None:
    Site.objects.update_or_create(pk=1, defaults={"domain": "one.example.com"})
    Site.objects.create(domain="two.example.com", name="two")
    sync_code_checks()
    rows = _rows()
    assert rows["test.on-sites-one.example.com"].url == "https://one.example.com/sites/"
    assert rows["test.on-sites-two.example.com"].url == "https://two.example.com/sites/"
    assert {k for k in rows if k.startswith("test.on-sites")} == {
        "test.on-sites-one.example.com",
        "test.on-sites-two.example.com",
    }


def test_locales_give_one_row_per_language_prefix(rows: dict[str, Any]) -> None:
    about = {k: rows[k] for k in rows if k.startswith("test.about")}
    assert {k: r.url for k, r in about.items()} == {
        "test.about-en": "https://example.com/en/about/",
        "test.about-de": "https://example.com/de/about/",
        "test.about-fr": "https://example.com/fr/about/",
    }
    assert rows["test.about-de"].name == "About [de]"
    # locales=True combines with hosts=: one row per host and language
    assert rows["test.shop-a.example.com-fr"].url == "https://a.example.com/fr/shop/"
    # ... and with targets=, whose kwargs each language prefix is reversed with
    assert rows["home-globex-de"].url == "https://globex.example.com/de/globex/home/"
    assert rows["home-acme-en"].group == "home"


def test_targets_give_each_variant_its_host_kwargs_and_headers(rows: dict[str, Any]) -> None:
    acme, globex = rows["test.tenant-acme"], rows["test.tenant-globex"]
    assert (acme.url, globex.url) == (
        "https://acme.example.com/t/acme/",
        "https://globex.example.com/t/globex/",
    )
    assert (acme.headers, globex.headers) == ({"X-Tenant": "acme"}, {})
    assert acme.group == globex.group == "tenants"  # group= set on the declaration wins


@pytest.mark.django_db
@pytest.mark.usefixtures("variant_urls")
def test_adding_a_variant_adds_one_row_and_removing_one_removes_one() -> None:
    sync_code_checks()
    before = set(_rows())
    urlconf.TENANTS.append(Variant("initech", kwargs={"slug": "initech"}))
    added = sync_code_checks()
    # one per declaration using tenants(): the plain one and the one in each of the 3 languages
    new = {"test.tenant-initech", "home-initech-en", "home-initech-de", "home-initech-fr"}
    assert set(added.created) == new
    assert added.updated == []
    assert set(_rows()) == before | new

    del urlconf.TENANTS[0]  # acme goes
    removed = sync_code_checks()
    gone = {"test.tenant-acme", "home-acme-en", "home-acme-de", "home-acme-fr"}
    assert set(removed.removed) == gone
    assert (removed.created, removed.updated) == ([], [])
    assert set(_rows()) == (before - gone) | new


@pytest.mark.django_db
@pytest.mark.usefixtures("variant_urls")
def test_a_targets_function_that_starts_failing_keeps_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    sync_code_checks()

    def broken() -> list[Variant]:
        raise RuntimeError("tenant database down")

    monkeypatch.setattr(urlconf.urlpatterns[2].healthcheck, "targets", broken)
    result = sync_code_checks()
    assert result.removed == []
    assert {"test.tenant-acme", "test.tenant-globex"} <= set(result.invalid)
    assert {"test.tenant-acme", "test.tenant-globex"} <= set(_rows())


@pytest.mark.django_db
@pytest.mark.usefixtures("variant_urls")
def test_the_variants_reach_the_emulator_in_one_group(sync_api: Any) -> None:
    sync_code_checks()
    report = push()
    assert report.ok, report.failed
    groups = {key: m["group"] for key, m in sync_api.monitors.items() if key.startswith("test.status")}
    keys = ["test.status-eu.example.com", "test.status-us.example.com"]
    assert groups == dict.fromkeys(keys, "test.status")
    tenants = {m["group"] for key, m in sync_api.monitors.items() if key.startswith("test.tenant")}
    assert tenants == {"tenants"}


@pytest.mark.usefixtures("variant_urls")
def test_the_system_checks_expand_variants_without_the_database() -> None:
    result = collect(specs=False)
    assert result.problems == []
    assert result.specs == []


@pytest.mark.django_db
def test_the_admin_filters_the_variants_of_one_declaration(superuser_client: Any) -> None:
    clear_url_caches()
    with override_settings(ROOT_URLCONF="tests.urlconfs.variants", LANGUAGES=LANGUAGES):
        sync_code_checks()
    clear_url_caches()
    changelist = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
    response = superuser_client.get(changelist, {"group": "test.status"})
    assert response.status_code == 200
    changes = response.context["cl"]
    shown = {row.key for row in changes.result_list}
    assert shown == {"test.status-eu.example.com", "test.status-us.example.com"}
    choices = {c["display"] for spec in changes.filter_specs for c in spec.choices(changes)}
    assert {"test.status", "tenants", "test.about"} <= choices
