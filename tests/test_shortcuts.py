"""The registry's shortcuts give what the general code gives, for any route, prefix and environment.

``registry._static_path`` copies the quoting of ``reverse()`` for routes without parameters, and
``keys.KeyMaker`` skips the general join for a GET without arguments. Both exist for the speed of
``manage.py check`` (benchmarks/bench_check.py); these properties pin them to the general code, so
that deleting or changing either breaks a test.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from django.urls import clear_url_caches, get_script_prefix, include, reverse, set_script_prefix
from hypothesis import example, given, settings
from hypothesis import strategies as st

from healthcheck_admin import Healthcheck, path
from healthcheck_admin.keys import MAX_KEY, KeyMaker, default_key
from healthcheck_admin.registry import build_url, collect
from tests.testapp import views

URLCONF = "tests.urlconfs._shortcut_property"
#: Characters reverse() treats differently: sub-delimiters and ``~:@`` kept, the rest percent-encoded.
#: No "%" in routes: reverse() itself fails on one (Django formats the route with ``%``); prefixes have it.
TRICKY = "aZ09-._~:@!$&'()*+,;=/ ?#[]\"\\^`{|}ü€日\u00a0"
segments = st.text(alphabet=TRICKY, min_size=0, max_size=12)
prefixes = st.sampled_from(["/", "/sub/", "/ü b%/", "/a:b@c/"])
names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)
environments = st.one_of(st.just(""), st.text(alphabet="abcXYZ09-._: ü/", max_size=20))


@pytest.fixture(autouse=True)
def _shortcut_urlconf() -> Iterator[types.ModuleType]:
    module = types.ModuleType(URLCONF)
    sys.modules[URLCONF] = module
    before = get_script_prefix()
    yield module
    set_script_prefix(before)
    del sys.modules[URLCONF]
    clear_url_caches()


def _install(patterns: list[object]) -> None:
    module = sys.modules[URLCONF]
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    clear_url_caches()


@settings(max_examples=150, deadline=None)
@given(outer=segments, route=segments, prefix=prefixes, converter=st.booleans(), pk=st.integers(0, 10**6))
@example(outer="", route="/x", prefix="/", converter=False, pk=0)  # a leading "//" reverse() escapes
@example(outer="ü b/", route="?#[x]", prefix="/ü b%/", converter=False, pk=0)
@example(outer="shop/", route="item/", prefix="/sub/", converter=True, pk=7)
def test_the_path_of_a_declared_route_is_what_reverse_gives(outer, route, prefix, converter, pk):
    """Static routes take the shortcut, routes with a converter go through reverse(): same answer."""
    set_script_prefix(prefix)
    inner_route = f"{route}<int:pk>/" if converter else route
    check = Healthcheck(kwargs={"pk": pk}) if converter else True
    inner = [path(inner_route, views.ok, name="t", healthcheck=check)]
    _install([path(outer, include((inner, "ns")))] if outer else inner)

    result = collect(URLCONF)

    assert result.problems == []
    name = "ns:t" if outer else "t"
    expected = build_url(reverse(name, urlconf=URLCONF, kwargs={"pk": pk} if converter else None), {})
    assert [spec.values["url"] for spec in result.specs] == [expected]


@settings(max_examples=300, deadline=None)
@given(route=names, environment=environments, strategy=st.just("default"))
@example(route=".a", environment="", strategy="default")
@example(route="a.", environment="prod", strategy="default")
@example(route="a", environment="prod.", strategy="default")
@example(route="x" * MAX_KEY, environment="", strategy="default")
@example(route="x" * (MAX_KEY - 5), environment="prod", strategy="default")
@example(route="x" * (MAX_KEY + 1), environment="", strategy="default")
@example(route="x" * (MAX_KEY - 4), environment="prod", strategy="default")
def test_the_key_of_a_plain_get_is_the_general_key(route, environment, strategy):
    """KeyMaker's fast path for a GET without arguments, blank or set ENVIRONMENT, equals default_key."""
    make_key = KeyMaker(strategy, environment, "")
    expected = default_key(route, "GET", (), {}, environment=environment)
    assert make_key(route, "GET", (), {}, "/ignored/") == expected


@given(route=names, environment=environments, method=st.sampled_from(["GET", "POST"]), arg=st.integers())
def test_keys_with_arguments_or_other_methods_are_the_general_key(route, environment, method, arg):
    make_key = KeyMaker("default", environment, "")
    expected = default_key(route, method, (arg,), {"pk": arg}, environment=environment)
    assert make_key(route, method, (arg,), {"pk": arg}, "/ignored/") == expected
