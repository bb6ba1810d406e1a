"""Route coverage: which routes of the URLconf have a check, and which could have one.

Pure, like :mod:`healthcheck_admin.registry`: it reads the loaded URLconf and settings, never the
database. ``manage.py healthchecks coverage`` prints the result; :func:`required_problems` feeds the
``REQUIRE`` system checks. docs/coverage.rst documents the groups and the percentage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.views.decorators.http import require_http_methods

from healthcheck_admin.registry import declared_checks

COVERED = "covered"
CANDIDATE = "candidate"
NEEDS_ARGS = "needs_args"
EXCLUDED = "excluded"
GROUPS = (COVERED, CANDIDATE, NEEDS_ARGS, EXCLUDED)
#: The views of ``django.conf.urls.static.static()`` and ``staticfiles_urlpatterns()``.
STATIC_VIEWS = ("django.views.static.serve", "django.contrib.staticfiles.views.serve")


@dataclass
class Route:
    """One ``path()`` of the URLconf: its namespaced name ("" when unnamed) and what a check needs."""

    name: str
    route: str
    kwargs: list[str] = field(default_factory=list)
    #: The HTTP methods the view accepts, or None when any (nothing says otherwise).
    methods: list[str] | None = None
    has_check: bool = False
    group: str = CANDIDATE
    reason: str = ""
    required: bool = False

    @property
    def label(self) -> str:
        """What patterns match: the name, or the route itself when the route has no name."""
        return self.name or self.route

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "group"}


@dataclass
class Coverage:
    routes: list[Route]

    def group(self, name: str) -> list[Route]:
        return [route for route in self.routes if route.group == name]

    def counts(self) -> dict[str, int]:
        return {name: len(self.group(name)) for name in GROUPS}

    @property
    def percent(self) -> float:
        """covered / (covered + candidates + needs_args), in percent; 100 when nothing counts."""
        counts = self.counts()
        counted = counts[COVERED] + counts[CANDIDATE] + counts[NEEDS_ARGS]
        return 100.0 * counts[COVERED] / counted if counted else 100.0


def matches(label: str, patterns: Iterable[str]) -> bool:
    """Whether ``label`` matches one of the fnmatch ``patterns`` (case-sensitive, as route names are)."""
    return any(fnmatchcase(label, pattern) for pattern in patterns)


def _parameters(pattern: URLPattern | URLResolver) -> list[str]:
    """The arguments a pattern captures: converter names, or a regex's groups (unnamed ones by position)."""
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern.pattern, "regex", None)
    if regex is None or not regex.groups:
        return []
    named = list(regex.groupindex)
    return named or [f"arg{i}" for i in range(1, regex.groups + 1)]


@cache
def _decorator_codes() -> frozenset[Any]:
    """The code objects of ``require_http_methods``' wrappers (sync and async), to recognise them."""

    def sync_view(request: Any) -> None:
        """A sample view."""

    async def async_view(request: Any) -> None:
        """A sample view."""

    decorate = require_http_methods(["GET"])
    return frozenset(decorate(view).__code__ for view in (sync_view, async_view))


def _decorated_methods(view: Callable[..., Any]) -> list[str] | None:
    """The list given to ``require_http_methods`` (``require_POST``, ``require_GET``…) on ``view``."""
    seen = 0
    current: Any = view
    while current is not None and seen < 20:
        code: Any = getattr(current, "__code__", None)
        if code is not None and code in _decorator_codes() and current.__closure__:
            cells = dict(zip(code.co_freevars, current.__closure__, strict=True))
            if "request_method_list" in cells:
                return [str(m).upper() for m in cells["request_method_list"].cell_contents]
        current = getattr(current, "__wrapped__", None)
        seen += 1
    return None


def view_methods(view: Callable[..., Any]) -> list[str] | None:
    """The methods a view accepts, when it says: a class-based view's handlers (``as_view()``), or
    ``require_http_methods`` and its shortcuts (``require_POST``…). None means any method."""
    view_class = getattr(view, "view_class", None)
    if isinstance(view_class, type):
        initkwargs = getattr(view, "view_initkwargs", {}) or {}
        names = initkwargs.get("http_method_names", getattr(view_class, "http_method_names", []))
        return [m.upper() for m in names if m != "options" and hasattr(view_class, m)]
    return _decorated_methods(view)


def _is_static(view: Callable[..., Any]) -> bool:
    return f"{getattr(view, '__module__', '')}.{getattr(view, '__name__', '')}" in STATIC_VIEWS


def _walk(
    patterns: Sequence[URLPattern | URLResolver], namespaces: tuple[str, ...], prefix: str, params: list[str]
) -> Iterator[tuple[URLPattern, tuple[str, ...], str, list[str]]]:
    for pattern in patterns:
        described = prefix + str(pattern.pattern)
        inner_params = [*params, *_parameters(pattern)]
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, described, inner_params)
        else:
            yield pattern, namespaces, described, inner_params


def routes(urlconf: str | None = None) -> list[Route]:
    """Every route of the URLconf, with whether a check (``healthcheck=`` or ``put()``) names it."""
    checked = {item.route for item in declared_checks(urlconf)[0]}
    found = []
    for pattern, namespaces, described, params in _walk(get_resolver(urlconf).url_patterns, (), "", []):
        name = ":".join((*namespaces, pattern.name)) if pattern.name else ""
        route = Route(name, described, params, view_methods(pattern.callback), bool(name) and name in checked)
        route.reason = "static or media" if _is_static(pattern.callback) else ""
        route.reason = "admin" if "admin" in namespaces[:1] else route.reason
        found.append(route)
    return found


def _classify(route: Route, include: Sequence[str], exclude: Sequence[str]) -> None:
    included = matches(route.label, include) if include else None
    if included is False:
        route.group, route.reason = EXCLUDED, "not --include"
    elif exclude and matches(route.label, exclude):
        route.group, route.reason = EXCLUDED, "--exclude"
    elif route.reason and not included:
        route.group = EXCLUDED  # the admin, static and media, unless --include names them
    elif route.has_check:
        route.group, route.reason = COVERED, ""
    elif route.kwargs or (route.methods is not None and "GET" not in route.methods):
        route.group = NEEDS_ARGS
        needs = [f"kwargs: {', '.join(route.kwargs)}"] if route.kwargs else []
        if route.methods is not None and "GET" not in route.methods:
            needs.append(f"methods: {', '.join(route.methods) or 'none'}")
        route.reason = "; ".join(needs)
    else:
        route.group, route.reason = CANDIDATE, ""


def coverage(
    urlconf: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    required: Sequence[str] = (),
) -> Coverage:
    """Every route in one of :data:`GROUPS`. ``required`` patterns mark the routes ``REQUIRE`` names."""
    found = routes(urlconf)
    for route in found:
        _classify(route, include, exclude)
        route.required = bool(route.name) and matches(route.name, required)
    return Coverage(found)


def required_problems(patterns: Sequence[str], urlconf: str | None = None) -> tuple[list[Route], list[str]]:
    """The required routes without a check, and the ``REQUIRE`` patterns that match no named route."""
    named = [route for route in routes(urlconf) if route.name]
    missing = [r for r in named if matches(r.name, patterns) and not r.has_check]
    unmatched = [p for p in patterns if not any(fnmatchcase(r.name, p) for r in named)]
    return missing, unmatched
