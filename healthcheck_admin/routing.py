"""Drop-in ``path``/``re_path``/``url`` with a ``healthcheck=`` keyword, and ``put()``.

The helpers only attach the declaration to the pattern Django returns. Nothing is
reversed, stored or sent here: the registry walks the loaded URLconf later. A bad
``healthcheck=`` dict or ``True`` on an ``include()`` never breaks the import of
``urls.py``; the problem is kept on the pattern and reported by ``manage.py check``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls import path as django_path
from django.urls import re_path as django_re_path

from healthcheck_admin import check_ids as ids
from healthcheck_admin.declarations import Healthcheck, HealthcheckError

HEALTHCHECK_ATTR = "healthcheck"
PROBLEM_ATTR = "healthcheck_problem"
#: ``(route, key)`` named by a declaration that failed: the row it still means is kept.
INVALID_ATTR = "healthcheck_invalid"

_extra_lock = threading.Lock()
_extra: list[Healthcheck] = []
_replace = False


def _named(healthcheck: object) -> tuple[str | None, str | None]:
    """The ``route=`` and ``key=`` of a declaration that failed, when they are readable strings.

    They say which existing row the declaration still means, so that the upsert leaves it alone.
    """
    if isinstance(healthcheck, Healthcheck):
        return healthcheck.route, healthcheck.key
    if isinstance(healthcheck, Mapping):
        route, key = healthcheck.get("route"), healthcheck.get("key", healthcheck.get("code"))
        return (route if isinstance(route, str) else None, key if isinstance(key, str) else None)
    return None, None


def _attach(pattern: URLPattern | URLResolver, healthcheck: object) -> URLPattern | URLResolver:
    if healthcheck is None or healthcheck is False:
        return pattern
    if isinstance(pattern, URLResolver):
        message = "healthcheck= is set on an include(); set it on the routes inside"
        setattr(pattern, PROBLEM_ATTR, (ids.ON_INCLUDE, message))
        return pattern
    try:
        check = Healthcheck.coerce(healthcheck)
    except HealthcheckError as exc:
        setattr(pattern, PROBLEM_ATTR, (ids.DECLARATION_INVALID, str(exc)))
        setattr(pattern, INVALID_ATTR, _named(healthcheck))
        return pattern
    if check is not None and not check.route and not pattern.name:
        setattr(pattern, PROBLEM_ATTR, (ids.NO_ROUTE_NAME, "healthcheck= is set on a route without name="))
        return pattern
    setattr(pattern, HEALTHCHECK_ATTR, check)
    return pattern


def _with_healthcheck(django_func: Any, public_name: str, doc: str) -> Any:
    """*django_func* (``path`` or ``re_path``) with the ``healthcheck=`` keyword, named *public_name*."""

    def declare(route: str, view: Any, *args: Any, healthcheck: object = None, **kwargs: Any) -> Any:
        return _attach(django_func(route, view, *args, **kwargs), healthcheck)

    declare.__name__ = declare.__qualname__ = public_name
    declare.__doc__ = doc
    return declare


path = _with_healthcheck(
    django_path,
    "path",
    ":func:`django.urls.path`, plus ``healthcheck=``: True, a dict of arguments or a Healthcheck.",
)
re_path = _with_healthcheck(django_re_path, "re_path", ":func:`django.urls.re_path`, plus ``healthcheck=``.")


def url(
    regex: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    *,
    healthcheck: object = None,
) -> Any:
    """The ``url()`` of ``django_auto_healthchecks``: a regex route, like :func:`re_path`."""
    return re_path(regex, view, kwargs, name, healthcheck=healthcheck)


def put(
    healthchecks: Iterable[Healthcheck | dict[str, Any]] = (), *, replace: bool = False
) -> list[Healthcheck]:
    """Register checks for routes you do not own, e.g. ``Healthcheck(route="admin:index")``.

    They are merged with the checks declared in urls.py and validated the same way.
    Each needs ``route=``. Registering the same check twice is harmless.

    Their rows have a lifecycle of their own (source ``put``): an upsert from a process that
    never called ``put()`` keeps them. ``replace=True`` makes this call the whole put set:
    the checks registered before in this process are forgotten, and the next upsert removes
    (``ON_REMOVE``) the ``put`` rows this call does not name. ``manage.py healthchecks remove
    KEY`` removes one explicitly.
    """
    global _replace
    checks = []
    for item in healthchecks:
        check = Healthcheck.coerce(item)
        if check is None:
            continue
        if not check.route:
            raise HealthcheckError(
                "route", "put() needs route= on every healthcheck, e.g. route='admin:index'"
            )
        checks.append(check)
    with _extra_lock:
        if replace:
            _extra.clear()
            _replace = True
        for check in checks:
            if check not in _extra:
                _extra.append(check)
    return checks


def registered_extra() -> list[Healthcheck]:
    with _extra_lock:
        return list(_extra)


def put_replaces() -> bool:
    """Whether ``put(..., replace=True)`` was called: the upsert then drops unnamed ``put`` rows."""
    with _extra_lock:
        return _replace


def clear_extra() -> None:
    """Forget every check registered with :func:`put`, and ``replace=True`` (for tests)."""
    global _replace
    with _extra_lock:
        _extra.clear()
        _replace = False
