"""ENVIRONMENT namespaces keys and the ownership tag; KEY_STRATEGY="legacy" adopts the seed's monitors."""

from __future__ import annotations

from typing import Any

import pytest

from healthcheck_admin.keys import legacy_key
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.sync.drift import drift
from healthcheck_admin.sync.service import push
from healthcheck_admin.upsert import sync_code_checks
from tests.sync_utils import healthchecks

pytestmark = pytest.mark.django_db


def deploy(settings: Any, environment: str) -> dict[str, str]:
    """A fresh deployment of the same codebase (its own table) that pushes its code checks."""
    HealthcheckDefinition.objects.all().delete()
    Tombstone.objects.all().delete()
    healthchecks(settings, ENVIRONMENT=environment)
    sync_code_checks()
    report = push()
    assert report.ok, report.failed
    return {row.key: row.monitor_code for row in HealthcheckDefinition.objects.all()}


def test_two_environments_get_distinct_keys_and_never_overwrite_each_other(sync_api, settings):
    production = deploy(settings, "production")
    production_docs = {key: dict(sync_api.monitors[key]) for key in production}

    staging = deploy(settings, "staging")

    assert production
    assert staging
    assert not set(production) & set(staging)
    assert all(key.startswith("production.") for key in production)
    assert all(key.startswith("staging.") for key in staging)
    assert set(sync_api.monitors) == set(production) | set(staging)
    for key, doc in production_docs.items():
        assert sync_api.monitors[key] == doc  # untouched by the staging push
    assert (
        "managed-by:healthcheck_admin:tests:production" in sync_api.monitors[next(iter(production))]["tags"]
    )
    assert "managed-by:healthcheck_admin:tests:staging" in sync_api.monitors[next(iter(staging))]["tags"]
    report = drift()  # staging sees only its own monitors
    assert report.missing_locally == []
    assert report.checked == len(staging)


def test_legacy_keys_update_the_seeds_monitors_instead_of_duplicating_them(sync_api, settings):
    healthchecks(settings, KEY_STRATEGY="legacy")
    key = legacy_key("GET", "example.com", "/")
    seeded = sync_api.add_monitors(
        {"type": "check", "key": key, "name": "GET example.com/", "request": {"url": "https://example.com/"}}
    )[0]
    before = set(sync_api.monitors)

    sync_code_checks()
    report = push()

    row = HealthcheckDefinition.objects.get(key=key)
    assert report.ok
    assert row.route == "index"
    assert row.monitor_code == seeded["attributes"]["code"]
    assert key in before
    assert len(sync_api.monitors) == len(before) + len(report.synced) - 1
    assert "managed-by:healthcheck_admin:tests:test" in sync_api.monitors[key]["tags"]
