"""The system check validates kwargs against a route's converters instead of calling ``reverse()``.

Whatever the path taken, the messages are those ``reverse()`` gives: a declaration whose kwargs the
converters refuse yields the same E002, worded by Django's ``NoReverseMatch``.
"""

from __future__ import annotations

import types
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, get_resolver, include, register_converter, reverse

from healthcheck_admin import path
from healthcheck_admin.checks import check_urlconf


class EvenConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        if int(value) % 2:
            raise ValueError("odd")
        return str(value)


register_converter(EvenConverter, "even")


def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse("ok")


def urlconf(*patterns: Any) -> types.ModuleType:
    module = types.ModuleType("check_kwargs_urls")
    module.urlpatterns = list(patterns)  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def _fresh_urls() -> Any:
    clear_url_caches()
    yield
    clear_url_caches()


def problems(module: types.ModuleType) -> list[tuple[str | None, str]]:
    with override_settings(ROOT_URLCONF=module):
        return [(m.id, m.msg) for m in check_urlconf()]


CASES = [
    ("items/<int:pk>/", {"pk": 7}),
    ("items/<int:pk>/", {"pk": "7"}),
    ("items/<int:pk>/", {"pk": "abc"}),
    ("items/<int:pk>/", {"pk": -1}),
    ("items/<int:pk>/", {"id": 7}),
    ("items/<int:pk>/", {"pk": 7, "extra": 1}),
    ("items/<slug:slug>/", {"slug": "a-b"}),
    ("items/<slug:slug>/", {"slug": "a b"}),
    ("items/<str:name>/", {"name": "a/b"}),
    ("items/<path:rest>", {"rest": "a/b"}),
    ("items/<uuid:id>/", {"id": "12345678-1234-5678-1234-567812345678"}),
    ("items/<uuid:id>/", {"id": "not-a-uuid"}),
    ("items/<even:n>/", {"n": 4}),
    ("items/<even:n>/", {"n": 3}),
    ("<int:a>-<int:b>/", {"a": 1, "b": 2}),
]


@pytest.mark.parametrize(("route", "kwargs"), CASES)
def test_the_check_agrees_with_reverse(route: str, kwargs: dict[str, Any]) -> None:
    module = urlconf(path(route, view, name="item", healthcheck={"kwargs": kwargs}))
    try:
        reverse("item", module, kwargs=kwargs)  # type: ignore[arg-type]
    except NoReverseMatch as exc:
        expected = [("healthcheck_admin.E002", f"route {route!r}: cannot reverse 'item' ({exc})")]
    else:
        expected = []
    clear_url_caches()
    assert problems(module) == expected


def test_kwargs_routes_need_no_reverse_index() -> None:
    module = urlconf(
        path("static/", view, name="static", healthcheck=True),
        path("items/<int:pk>/", view, name="item", healthcheck={"kwargs": {"pk": 1}}),
        path(
            "shop/",
            include(([path("<slug:s>/", view, name="s", healthcheck={"kwargs": {"s": "x"}})], "shop")),
        ),
    )
    assert problems(module) == []
    resolver: Any = get_resolver(module)  # type: ignore[arg-type]
    assert not resolver._populated


def test_a_parameter_in_an_enclosing_route_is_left_to_reverse() -> None:
    inner = [path("<int:pk>/", view, name="item", healthcheck={"kwargs": {"pk": 1}})]
    module = urlconf(path("<int:org>/", include(inner)))
    [(check_id, message)] = problems(module)
    assert check_id == "healthcheck_admin.E002"
    assert "cannot reverse 'item'" in message
    assert (
        problems(
            urlconf(
                path(
                    "<int:org>/",
                    include(
                        [path("<int:pk>/", view, name="item", healthcheck={"kwargs": {"pk": 1, "org": 2}})]
                    ),
                )
            )
        )
        == []
    )


def test_kwargs_routes_that_share_a_key_are_still_reported() -> None:
    module = urlconf(
        path("a/<int:pk>/", view, name="a", healthcheck={"kwargs": {"pk": 1}, "key": "same"}),
        path("b/<int:pk>/", view, name="b", healthcheck={"kwargs": {"pk": 1}, "key": "same"}),
    )
    [(check_id, message)] = problems(module)
    assert check_id == "healthcheck_admin.E005"
    assert "key 'same' is also used by route 'a/<int:pk>/'" in message


def test_default_kwargs_of_a_route_are_left_to_reverse() -> None:
    module = urlconf(
        path("items/<int:pk>/", view, {"extra": 1}, name="item", healthcheck={"kwargs": {"pk": 1}})
    )
    assert problems(module) == []
