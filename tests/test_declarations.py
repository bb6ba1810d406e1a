"""Healthcheck(...) arguments: every one accepted, normalised, or refused with a named field."""

from __future__ import annotations

import pytest

from healthcheck_admin import Healthcheck, HealthcheckError
from healthcheck_admin.limits import REGIONS


def test_defaults_are_a_simple_get():
    check = Healthcheck()
    assert check.method == "GET"
    assert check.args == ()
    assert check.kwargs == {}
    assert check.assertions == []
    assert check.follow_redirects is True
    assert check.verify_ssl is True
    assert check.paused is False
    assert check.key is None


def test_every_seed_argument_and_the_new_ones_are_accepted():
    check = Healthcheck(
        route="search",
        kwargs={"query": "Acme"},
        current_app="shop",
        name="Search",
        key="search-acme",
        method="post",
        querystring={"page": 2, "sort": ["a", "b"]},
        body='{"q": 1}',
        headers={"Accept": "application/json"},
        cookies={"session": "env:SESSION"},
        assertions=["response.code = 200"],
        tags=("a", "b", "a"),
        note="watch me",
        interval_seconds=30,
        timeout_seconds=15,
        notify=["default"],
        regions=["us-east-1", "eu-west-1"],
        follow_redirects=False,
        verify_ssl=False,
        paused=True,
    )
    assert check.method == "POST"
    assert check.tags == ["a", "b"]
    assert check.regions == ["us-east-1", "eu-west-1"]
    assert check.interval_seconds == 30
    assert check.timeout_seconds == 15
    assert check.querystring == {"page": 2, "sort": ["a", "b"]}
    assert check.cookies == {"session": "env:SESSION"}


def test_seed_code_argument_is_an_alias_of_key():
    assert Healthcheck(code="abc123").key == "abc123"


def test_tags_given_as_a_set_are_sorted_not_rejected():
    assert Healthcheck(tags={"b", "a"}).tags == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"method": "DELETE"}, "method", "'DELETE' is not supported"),
        ({"method": 3}, "method", "3 is not supported"),
        ({"timeout_seconds": 0}, "timeout_seconds", "use 1 to 15"),
        ({"timeout_seconds": 16}, "timeout_seconds", "16 is out of range"),
        ({"timeout_seconds": "5"}, "timeout_seconds", "got '5'"),
        ({"timeout_seconds": True}, "timeout_seconds", "got True"),
        ({"interval_seconds": 29}, "interval_seconds", "use 30 to 3600"),
        ({"interval_seconds": 3601}, "interval_seconds", "3601 is out of range"),
        ({"headers": ["Accept"]}, "headers", "a dict of strings"),
        ({"headers": {"Accept": 1}}, "headers", "the value of 'Accept' must be a string"),
        ({"headers": {1: "x"}}, "headers", "names must be non-empty strings"),
        ({"headers": {"X-A": "a\r\nInjected: 1"}}, "headers", "line breaks"),
        ({"cookies": "session=1"}, "cookies", "a dict of strings"),
        ({"args": [1], "kwargs": {"a": 1}}, "args", "cannot be used together"),
        ({"args": "12"}, "args", "a list or tuple"),
        ({"kwargs": ["a"]}, "kwargs", "a dict with string keys"),
        ({"body": "x"}, "body", "only sent with POST, PUT or PATCH"),
        ({"body": 5, "method": "POST"}, "body", "a string"),
        ({"key": "has space"}, "key", "not a valid monitor key"),
        ({"key": "x" * 101}, "key", "not a valid monitor key"),
        ({"key": "a", "code": "b"}, "code", "conflicts with key"),
        ({"tags": "api"}, "tags", "a list of strings"),
        ({"tags": ["ok", ""]}, "tags", "non-empty strings"),
        ({"regions": ["mars-1"]}, "regions", "unknown value 'mars-1'"),
        ({"notify": "default"}, "notify", "a list of strings"),
        ({"follow_redirects": "yes"}, "follow_redirects", "True or False"),
        ({"verify_ssl": 1}, "verify_ssl", "True or False"),
        ({"paused": None}, "paused", "True or False"),
        ({"name": "n" * 101}, "name", "the limit is 100"),
        ({"querystring": "a=1"}, "querystring", "a dict"),
        ({"querystring": {"a": {"b": 1}}}, "querystring", "not a string, number or list"),
        ({"note": 5}, "note", "a string"),
    ],
)
def test_bad_arguments_name_the_field_and_value(kwargs, field, fragment):
    with pytest.raises(HealthcheckError) as excinfo:
        Healthcheck.coerce(kwargs)  # what path(healthcheck=...) and put() do with a declaration
    assert excinfo.value.field == field
    assert str(excinfo.value).startswith(f"{field}: ")
    assert fragment in str(excinfo.value)


def test_region_list_matches_the_reference():
    assert "us-east-1" in REGIONS
    assert len(REGIONS) == 12


@pytest.mark.parametrize("value", [True, {"method": "HEAD"}, Healthcheck(name="x")])
def test_coerce_accepts_true_a_dict_or_a_healthcheck(value):
    assert isinstance(Healthcheck.coerce(value), Healthcheck)


def test_coerce_refuses_unknown_dict_keys_naming_them():
    with pytest.raises(HealthcheckError, match="rules: unknown argument"):
        Healthcheck.coerce({"rules": []})


def test_coerce_refuses_other_types():
    with pytest.raises(HealthcheckError, match="expected True, a dict or a Healthcheck, got 'yes'"):
        Healthcheck.coerce("yes")


def test_coerce_of_none_and_false_means_no_check():
    assert Healthcheck.coerce(None) is None
    assert Healthcheck.coerce(False) is None


def test_defaults_are_the_declared_ones_and_containers_are_not_shared():
    from dataclasses import MISSING, fields

    check = Healthcheck()
    for f in fields(Healthcheck):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        assert getattr(check, f.name) == default, f.name
    first, second = Healthcheck(), Healthcheck()
    assert first.headers is not second.headers
    assert first.tags is not second.tags
    tags = first.tags
    assert isinstance(tags, list)
    tags.append("x")  # a container, once made, stays the instance's own
    assert first.tags == ["x"]
    assert second.tags == []
    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        first.nonexistent  # type: ignore[attr-defined]  # noqa: B018


def test_positional_arguments_follow_the_seed_signature():
    check = Healthcheck("search", None, {"query": "Acme"})
    assert (check.route, check.args, check.kwargs) == ("search", (), {"query": "Acme"})
    with pytest.raises(TypeError, match="multiple values for argument 'route'"):
        Healthcheck("a", route="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match="unexpected keyword argument 'rules'"):
        Healthcheck(rules=[])  # type: ignore[call-arg]
