"""``plan``'s warnings: a check with no alert route, zero tolerance behind a load balancer."""

from __future__ import annotations

import json

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.plan import plan
from healthcheck_admin.sync.plan_warnings import host_matches
from healthcheck_admin.sync.service import push
from tests.sync_utils import command, healthchecks, make_row

pytestmark = pytest.mark.django_db

ROUTED = {"notify": ["ops"]}


def _warnings(key: str, *, refresh: bool = False) -> list[str]:
    rows = HealthcheckDefinition.objects.filter(key=key)
    (item,) = plan(rows, refresh=refresh)
    return item.warnings


def _no_route(key: str, *, refresh: bool = False) -> bool:
    return any(w.startswith("no alert route") for w in _warnings(key, refresh=refresh))


def _no_tolerance(key: str, *, refresh: bool = False) -> bool:
    return any("load balancer" in w for w in _warnings(key, refresh=refresh))


def test_a_check_without_notify_or_default_list_has_no_alert_route(sync_api):
    make_row("silent")
    make_row("routed", notify=["ops"])
    make_row("overridden", override_notify=["pager"])
    make_row("cleared", notify=["ops"], override_notify=[])

    assert _no_route("silent")
    assert not _no_route("routed")
    assert not _no_route("overridden")
    assert _no_route("cleared")  # the override empties it


def test_default_notify_is_a_route_plan_can_see(sync_api, settings):
    make_row("silent")
    healthchecks(settings, DEFAULT_NOTIFY=["default"])
    assert not _no_route("silent")


def test_a_route_set_on_the_dashboard_counts_after_a_refresh(sync_api):
    make_row("silent")
    make_row("dashboard")
    assert push(refresh=False).ok
    sync_api.dashboard_edit("dashboard", notify=["ops-slack"])

    assert _no_route("silent", refresh=True)  # Cronitor's implicit ["default"] is not a visible route
    assert not _no_route("dashboard", refresh=True)


def test_zero_tolerance_on_a_load_balanced_host_is_warned(sync_api, settings):
    healthchecks(settings, LOAD_BALANCED_HOSTS=["*.example.com"])
    make_row("unset", url="https://www.example.com/a/", **ROUTED)
    make_row("zero", url="https://api.EXAMPLE.com/b/", failure_tolerance=0, **ROUTED)
    make_row("tolerant", url="https://www.example.com/c/", failure_tolerance=2, **ROUTED)
    make_row(
        "ops-raised", url="https://www.example.com/d/", failure_tolerance=0, override_failure_tolerance=1
    )
    make_row("apex", url="https://example.com/e/", **ROUTED)
    make_row("elsewhere", url="https://www.example.org/f/", **ROUTED)

    warned = {
        key for key in ("unset", "zero", "tolerant", "ops-raised", "apex", "elsewhere") if _no_tolerance(key)
    }

    assert warned == {"unset", "zero"}
    (message,) = _warnings("unset")
    assert "'www.example.com'" in message
    assert "one lost packet pages someone" in message


def test_a_tolerance_set_on_the_dashboard_counts_after_a_refresh(sync_api, settings):
    healthchecks(settings, LOAD_BALANCED_HOSTS=["www.example.com"])
    make_row("dashboard", url="https://www.example.com/", **ROUTED)
    assert push(refresh=False).ok
    assert _no_tolerance("dashboard", refresh=True)  # Cronitor holds null: its default, 0

    sync_api.dashboard_edit("dashboard", failure_tolerance=3)

    assert not _no_tolerance("dashboard", refresh=True)


def test_the_command_shows_the_warnings_in_text_and_json(sync_api, settings):
    healthchecks(settings, LOAD_BALANCED_HOSTS=["*.example.com"])
    make_row("silent", url="https://www.example.com/")

    out, _ = command("plan")
    data = json.loads(command("plan", "--json")[0])

    assert "    warning: no alert route" in out
    assert "    warning: failure_tolerance is 0 on 'www.example.com'" in out
    (item,) = [
        item for item in data["items"] if item["key"] == "silent"
    ]  # beside the code rows of tests.urls
    assert len(item["warnings"]) == 2
    assert data["warnings"] == sum(len(i["warnings"]) for i in data["items"]) > 2
    assert f"{data['warnings']} warning(s)" in out


@pytest.mark.parametrize(
    ("host", "pattern", "matches"),
    [
        ("www.example.com", "www.example.com", True),
        ("WWW.Example.com.", "www.example.com", True),
        ("a.b.example.com", "*.example.com", True),
        ("example.com", "*.example.com", False),
        ("badexample.com", "*.example.com", False),
        ("www.example.com", "example.com", False),
    ],
)
def test_host_patterns(host, pattern, matches):
    assert host_matches(host, pattern) is matches
