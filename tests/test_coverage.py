"""``manage.py healthchecks coverage`` and ``HEALTHCHECKS["REQUIRE"]`` on tests/urls_coverage.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.checks import ERROR, WARNING
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings

from healthcheck_admin import Healthcheck, put
from healthcheck_admin.checks import check_required_routes, check_settings
from healthcheck_admin.coverage import CANDIDATE, COVERED, EXCLUDED, NEEDS_ARGS, coverage
from tests.sync_utils import command

COVERAGE_URLS = override_settings(ROOT_URLCONF="tests.urls_coverage")

COVERED_NAMES = {"index", "blog", "api:status", "api:user-ping", "shop:catalogue", "shop:product"}
CANDIDATE_NAMES = {
    "about",
    "tos",
    "old",
    "sitemap",
    "api:users",
    "api:docs",
    "api:v2:health",
    "shop:cart",
    "shop:offers",
    "debug:sql",
}
NEEDS_ARGS_NAMES = {
    "contact",
    "webhook",
    "items",
    "blog-post",
    "legacy",
    "page",
    "api:user",
    "api:orders-create",
    "api:order",
    "api:export",
    "api:v2:echo",
    "shop:checkout",
    "intl:home",
    "intl:faq",
    "media-like",
}
API_UNCHECKED = {
    "api:users",
    "api:docs",
    "api:v2:health",
    "api:user",
    "api:orders-create",
    "api:order",
    "api:export",
    "api:v2:echo",
}


def names(group: str, **options: Any) -> set[str]:
    return {route.label for route in coverage(**options).group(group)}


def coverage_json(*args: str) -> dict[str, Any]:
    out, _ = command("coverage", "--json", *args)
    data: dict[str, Any] = json.loads(out)
    return data


def exit_code(*args: str) -> int:
    with pytest.raises(CommandError) as raised:
        command("coverage", *args)
    return raised.value.returncode


@COVERAGE_URLS
def test_each_route_lands_in_its_group_by_name() -> None:
    assert names(COVERED) == COVERED_NAMES
    # Unnamed routes are listed by their route: no check can name them.
    assert names(CANDIDATE) == CANDIDATE_NAMES | {"feed/"}
    assert names(NEEDS_ARGS) == NEEDS_ARGS_NAMES | {"archive/<int:year>/"}


@COVERAGE_URLS
def test_the_admin_static_and_media_are_excluded_by_default() -> None:
    excluded = coverage().group(EXCLUDED)
    assert {r.reason for r in excluded} == {"admin", "static or media"}
    assert {r.route for r in excluded if r.reason == "static or media"} == {
        "^static/(?P<path>.*)$",
        "^uploads/(?P<path>.*)$",
    }
    admin = [r for r in coverage().routes if r.route.startswith("admin/")]
    assert len(admin) > 20
    assert all(r.group == EXCLUDED and r.reason == "admin" for r in admin)
    assert "admin:index" in {r.name for r in admin}


@COVERAGE_URLS
def test_why_a_route_needs_more_than_a_plain_get() -> None:
    routes = {r.label: r for r in coverage().group(NEEDS_ARGS)}
    assert routes["contact"].methods == ["POST"]  # require_POST
    assert routes["webhook"].methods == ["POST"]  # require_POST on an async view
    assert routes["items"].methods == ["PUT", "DELETE"]
    assert routes["api:orders-create"].methods == ["POST"]  # a class-based view without get()
    assert routes["api:export"].methods == ["POST"]  # as_view(http_method_names=["post"])
    assert routes["blog-post"].kwargs == ["year", "slug"]
    assert routes["blog-post"].methods is None
    assert routes["legacy"].kwargs == ["arg1"]  # an unnamed regex group
    assert routes["intl:faq"].kwargs == ["lang"]  # from the include's converter
    assert routes["api:order"].reason == "kwargs: order"
    assert routes["shop:checkout"].reason == "methods: POST"
    candidates = {r.label: r for r in coverage().group(CANDIDATE)}
    assert candidates["shop:cart"].methods == ["GET"]  # require_GET
    assert candidates["shop:offers"].methods == ["GET", "HEAD"]  # require_safe
    assert "GET" in (candidates["old"].methods or [])  # RedirectView


@COVERAGE_URLS
def test_the_percentage_is_covered_over_covered_candidates_and_needs_args() -> None:
    counted = len(COVERED_NAMES) + len(CANDIDATE_NAMES) + 1 + len(NEEDS_ARGS_NAMES) + 1
    assert coverage().percent == pytest.approx(100 * len(COVERED_NAMES) / counted)
    payload = coverage_json()
    assert payload["percent"] == round(100 * len(COVERED_NAMES) / counted, 2)
    assert payload["counts"]["covered"] == len(COVERED_NAMES)
    assert payload["counts"]["needs_args"] == len(NEEDS_ARGS_NAMES) + 1


@COVERAGE_URLS
def test_a_put_check_covers_its_route() -> None:
    assert "about" in names(CANDIDATE)
    put([Healthcheck(route="about")])
    assert "about" in names(COVERED)


@COVERAGE_URLS
def test_json_lists_every_group_with_the_same_fields() -> None:
    payload = coverage_json("--fail-under", "10")
    assert set(payload) == {"percent", "fail_under", "counts", *{COVERED, CANDIDATE, NEEDS_ARGS, EXCLUDED}}
    assert payload["fail_under"] == 10.0
    fields = {"name", "route", "kwargs", "methods", "has_check", "reason", "required"}
    for group in (COVERED, CANDIDATE, NEEDS_ARGS, EXCLUDED):
        assert payload["counts"][group] == len(payload[group])
        assert all(set(item) == fields for item in payload[group])
    checkout = next(item for item in payload[NEEDS_ARGS] if item["name"] == "shop:checkout")
    assert checkout == {
        "name": "shop:checkout",
        "route": "shop/checkout/",
        "kwargs": [],
        "methods": ["POST"],
        "has_check": False,
        "reason": "methods: POST",
        "required": False,
    }
    assert {item["name"] for item in payload[COVERED]} == COVERED_NAMES
    assert {item["route"] for item in payload[CANDIDATE] if not item["name"]} == {"feed/"}


@COVERAGE_URLS
def test_include_counts_only_the_matching_routes() -> None:
    result = coverage(include=["api:*"])
    assert {r.name for r in result.group(COVERED)} == {"api:status", "api:user-ping"}
    assert {r.name for r in result.group(CANDIDATE)} == {"api:users", "api:docs", "api:v2:health"}
    assert len(result.group(NEEDS_ARGS)) == 5
    assert result.percent == pytest.approx(20.0)
    assert {r.reason for r in result.group(EXCLUDED) if not r.route.startswith("admin/")} == {"not --include"}
    assert coverage_json("--include", "api:*")["percent"] == 20.0


@COVERAGE_URLS
def test_include_lifts_the_default_exclusion_of_the_admin() -> None:
    result = coverage(include=["admin:index", "admin:login"])
    assert {r.name for r in result.group(CANDIDATE)} == {"admin:index", "admin:login"}


@COVERAGE_URLS
def test_exclude_takes_name_patterns_and_the_route_of_unnamed_routes() -> None:
    result = coverage(exclude=["api:*", "debug:*", "feed/"])
    excluded = {r.label for r in result.group(EXCLUDED) if r.reason == "--exclude"}
    assert excluded == {r for r in COVERED_NAMES | CANDIDATE_NAMES | NEEDS_ARGS_NAMES if r[:4] == "api:"} | {
        "debug:sql",
        "feed/",
    }
    assert "api:status" not in {r.name for r in result.group(COVERED)}
    both = coverage(include=["api:*"], exclude=["api:v2:*"])  # --exclude wins
    assert {r.name for r in both.group(EXCLUDED) if r.reason == "--exclude"} == {
        "api:v2:health",
        "api:v2:echo",
    }
    out, _ = command("coverage", "--json", "--exclude", "api:*", "--exclude", "debug:*")
    assert "api:users" not in {item["name"] for item in json.loads(out)[CANDIDATE]}


@COVERAGE_URLS
def test_fail_under_exits_3_below_the_bar_and_0_at_or_above_it() -> None:
    percent = coverage().percent
    command("coverage", "--fail-under", f"{int(percent)}")
    assert exit_code("--fail-under", f"{int(percent) + 1}") == 3
    assert exit_code("--fail-under", "100%") == 3
    command("coverage", "--include", "api:status", "--fail-under", "100")


@COVERAGE_URLS
@pytest.mark.parametrize("bar", ["abc", "101", "-1", "nan"])
def test_a_bad_fail_under_is_misuse(bar: str) -> None:
    assert exit_code("--fail-under", bar) == 1


@COVERAGE_URLS
def test_text_shows_the_uncovered_groups_and_a_summary() -> None:
    out, _ = command("coverage")
    lines = out.splitlines()
    needs = lines.index("No check; needs arguments or a method other than GET (16):")
    assert any("shop:checkout" in line and "methods: POST" in line for line in lines[needs:])
    assert not any("shop:catalogue" in line for line in lines)  # covered: listed at -v 2 only
    assert lines[-1].startswith("Coverage: ")
    verbose, _ = command("coverage", verbosity=2)
    assert any("shop:catalogue" in line for line in verbose.splitlines())


@COVERAGE_URLS
@override_settings(HEALTHCHECKS={"REQUIRE": ["api:*", "shop:checkout", "shop:catalogue"]})
def test_required_routes_without_a_check_warn() -> None:
    messages = check_required_routes()
    assert {m.id for m in messages} == {"healthcheck_admin.W010"}
    assert all(m.level == WARNING for m in messages)
    named = {m.msg.split("'")[1] for m in messages}
    assert named == API_UNCHECKED | {"shop:checkout"}
    payload = coverage_json()
    assert {
        item["name"] for group in (CANDIDATE, NEEDS_ARGS) for item in payload[group] if item["required"]
    } == (API_UNCHECKED | {"shop:checkout"})


@COVERAGE_URLS
@override_settings(HEALTHCHECKS={"REQUIRE": ["shop:chekout", "index"]})
def test_a_require_pattern_matching_no_route_warns() -> None:
    messages = check_required_routes()
    assert [m.id for m in messages] == ["healthcheck_admin.W011"]
    assert "'shop:chekout'" in messages[0].msg


@COVERAGE_URLS
@override_settings(HEALTHCHECKS={"REQUIRE": ["shop:checkout", "nope:*"], "REQUIRE_LEVEL": "error"})
def test_require_level_error_raises_both() -> None:
    messages = check_required_routes()
    assert sorted(str(m.id) for m in messages) == ["healthcheck_admin.E020", "healthcheck_admin.E021"]
    assert all(m.level == ERROR for m in messages)
    with pytest.raises(SystemCheckError, match="E020"):
        call_command("check")


@COVERAGE_URLS
@override_settings(HEALTHCHECKS={"REQUIRE": ["shop:checkout"]})
def test_a_warning_fails_check_with_fail_level_warning() -> None:
    call_command("check")  # a warning: printed, not failed
    with pytest.raises(SystemCheckError, match="W010"):
        call_command("check", fail_level="WARNING")


@override_settings(ROOT_URLCONF="tests.no_such_urlconf")
def test_no_walk_while_require_is_empty() -> None:
    # Walking this URLconf would raise ImportError: an empty REQUIRE must not load it.
    with override_settings(HEALTHCHECKS={}):
        assert check_required_routes() == []
    with override_settings(HEALTHCHECKS={"REQUIRE": ["index"]}), pytest.raises(ImportError):
        check_required_routes()


@pytest.mark.parametrize(
    ("name", "value"),
    [("REQUIRE", "api:*"), ("REQUIRE", ["api:*", 3]), ("REQUIRE", ["a b"]), ("REQUIRE_LEVEL", "fatal")],
)
def test_bad_require_settings_are_setting_errors(name: str, value: Any) -> None:
    with override_settings(HEALTHCHECKS={"HOSTNAME": "example.com", name: value}):
        messages = check_settings()
        assert [m.id for m in messages] == ["healthcheck_admin.E012"]
        assert name in messages[0].msg
        assert check_required_routes() == []
