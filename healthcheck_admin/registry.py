"""Find the checks declared in the URLconf (and with ``put()``) and resolve them to rows.

Everything here is pure: it reads the loaded URLconf and settings, never the database.
:mod:`healthcheck_admin.upsert` writes the result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, get_script_prefix, reverse
from django.urls.resolvers import RoutePattern
from django.utils.http import RFC3986_SUBDELIMS

from healthcheck_admin import check_ids as ids
from healthcheck_admin.conf import app_settings
from healthcheck_admin.declarations import Healthcheck
from healthcheck_admin.keys import KeyMaker, default_key, variant_key
from healthcheck_admin.reversible import accepts
from healthcheck_admin.routing import (
    HEALTHCHECK_ATTR,
    INVALID_ATTR,
    PROBLEM_ATTR,
    put_replaces,
    registered_extra,
)

if TYPE_CHECKING:
    from healthcheck_admin.variants import Target


@dataclass(slots=True)
class Declared:
    """A healthcheck found in the URLconf, with the qualified name of its route.

    ``static_route`` is the pattern's full route when it has no parameters: its path
    is then known without ``reverse()`` and Django's reverse index. ``converters`` are the
    pattern's own when only they take parameters (every enclosing route is static): kwargs
    that they accept reverse, so the system check need not build the reverse index.
    """

    check: Healthcheck
    route: str
    described: str = ""
    static_route: str | None = None
    put: bool = False
    converters: dict[str, Any] | None = None

    @property
    def origin(self) -> str:
        """Where the check was declared, for messages."""
        return f"route {self.described!r}" if self.described else f"put() of route {self.route!r}"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a declaration; :mod:`healthcheck_admin.checks` reports it."""

    id: str
    message: str
    origin: str


@dataclass(frozen=True)
class Spec:
    """The row a declared check becomes: its key, its code-owned field values and their fingerprint."""

    key: str
    values: dict[str, Any]
    fingerprint: str
    #: Registered with ``put()``: its row's source is ``put``, not ``code``.
    put: bool = False


@dataclass
class Collected:
    """What the URLconf declares: the valid checks, the problems, and what the invalid ones still mean.

    A route whose declaration is invalid (or cannot be reversed) is "declared but invalid", not
    gone: the upsert leaves rows with one of ``invalid_routes`` or ``invalid_keys`` as they are.
    """

    specs: list[Spec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid_routes: set[str] = field(default_factory=set)
    invalid_keys: set[str] = field(default_factory=set)
    #: ``put(..., replace=True)`` was called: ``put`` rows not among the specs are removed.
    put_replace: bool = False

    @property
    def fingerprint(self) -> str:
        """One fingerprint for the whole code-defined set (what a deploy declares)."""
        lines = sorted(f"{s.key}={s.fingerprint}" + (" put" if s.put else "") for s in self.specs)
        joined = "\n".join([*lines, "put-replace"] if self.put_replace else lines)
        return hashlib.sha256(joined.encode()).hexdigest()


def fingerprint(values: dict[str, Any]) -> str:
    """SHA-256 of ``values`` as canonical JSON: the same for equal values, whatever their order."""
    encoded = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _walk(
    patterns: Sequence[URLPattern | URLResolver], namespaces: tuple[str, ...], prefix: str, static: bool
) -> Iterator[tuple[URLPattern | URLResolver, tuple[str, ...], str, bool]]:
    """Every pattern with its namespaces, its full route, and whether the routes enclosing it have no
    parameters."""
    for pattern in patterns:
        described = prefix + str(pattern.pattern)
        yield pattern, namespaces, described, static
        if isinstance(pattern, URLResolver):
            plain = static and isinstance(pattern.pattern, RoutePattern) and not pattern.pattern.converters
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, described, plain)


def _static_path(route: str) -> str:
    """What reverse() returns for a route without parameters (see URLResolver._reverse_with_prefix)."""
    path = quote(get_script_prefix() + route, safe=RFC3986_SUBDELIMS + "/~:@")
    return "/%2F" + path.removeprefix("//") if path.startswith("//") else path


def _qualified(pattern: URLPattern, namespaces: tuple[str, ...]) -> str:
    name = pattern.name or ""
    return ":".join((*namespaces, name)) if namespaces else name


def declared_checks(
    urlconf: str | None = None, invalid: Collected | None = None
) -> tuple[list[Declared], list[Problem]]:
    """Every ``healthcheck=`` in the URLconf, plus the checks registered with ``put()``.

    The routes and keys that invalid declarations still name are added to ``invalid``.
    """
    found: list[Declared] = []
    problems: list[Problem] = []
    for pattern, namespaces, described, static in _walk(get_resolver(urlconf).url_patterns, (), "", True):
        problem = getattr(pattern, PROBLEM_ATTR, None)
        if problem is not None:
            problems.append(Problem(problem[0], problem[1], f"route {described!r}"))
            named_route, named_key = getattr(pattern, INVALID_ATTR, (None, None))
            if invalid is not None and isinstance(pattern, URLPattern):
                invalid.invalid_routes.update(filter(None, (named_route or _qualified(pattern, namespaces),)))
                invalid.invalid_keys.update(filter(None, (named_key,)))
        check = getattr(pattern, HEALTHCHECK_ATTR, None)
        if isinstance(pattern, URLPattern) and isinstance(check, Healthcheck):
            if check.route:
                found.append(Declared(check, check.route, described))
                continue
            route, converters = _qualified(pattern, namespaces), None
            if static and isinstance(pattern.pattern, RoutePattern) and not check.current_app:
                converters = pattern.pattern.converters
                if not converters and not check.args and not check.kwargs:
                    found.append(Declared(check, route, described, described))
                    continue
                if not check.kwargs or pattern.default_args or ":" in (pattern.name or ":"):
                    converters = None  # reverse() decides: args, defaults or an odd name
            found.append(Declared(check, route, described, converters=converters))
    for check in registered_extra():
        found.append(Declared(check, check.route or "", put=True))
    return found, problems


def _reverse(check: Healthcheck, route: str, urlconf: str | None) -> str:
    if check.kwargs:
        return reverse(route, urlconf, kwargs=check.kwargs, current_app=check.current_app)
    return reverse(route, urlconf, args=check.args, current_app=check.current_app)


def build_url(path: str, querystring: dict[str, Any], hostname: str | None = None) -> str:
    """Scheme, host (``HOSTNAME`` by default), path and query string; just the path without a host."""
    query = f"?{urlencode(querystring, doseq=True)}" if querystring else ""
    hostname = hostname or app_settings.HOSTNAME
    if not hostname:
        return f"{path}{query}"
    scheme = "https" if app_settings.HTTPS else "http"
    return f"{scheme}://{hostname}{path}{query}"


def spec_for(declared: Declared, path: str, key: str, variant: Target | None = None, group: str = "") -> Spec:
    check = declared.check
    host, headers, name = app_settings.HOSTNAME, check.headers, check.name
    if variant is not None:  # one of a declaration's variants (healthcheck_admin.variants)
        host, headers = variant.host or host, {**headers, **variant.headers}
        name = f"{name} [{variant.name}]" if name else None
    url = build_url(path, check.querystring, host)
    values: dict[str, Any] = {
        "name": name or f"{check.method} {host or ''}{path}",
        "route": declared.route,
        "url": url,
        "method": check.method,
        "headers": headers,
        "cookies": check.cookies,
        "body": check.body or "",
        "assertions": check.assertions,
        "tags": check.tags,
        "interval_seconds": check.interval_seconds or app_settings.DEFAULT_INTERVAL_SECONDS,
        "timeout_seconds": check.timeout_seconds or app_settings.DEFAULT_TIMEOUT_SECONDS,
        "regions": check.regions,
        "follow_redirects": check.follow_redirects,
        "verify_ssl": check.verify_ssl,
        "notify": check.notify,
        "note": check.note or "",
        "paused": check.paused,
        "failure_tolerance": check.failure_tolerance,
        "realert_interval": check.realert_interval or "",
        "group": group or check.group or "",
    }
    return Spec(key, values, fingerprint({"key": key, **values}), put=declared.put)


def collect(urlconf: str | None = None, *, specs: bool = True) -> Collected:
    """Resolve every declared check into a :class:`Spec`; problems are collected, never raised.

    With ``specs=False`` (the system checks) only the problems are wanted: keys are derived
    and routes checked reversible (kwargs against the converters where they can be, see
    :func:`~healthcheck_admin.reversible.accepts`), but no paths, row values or fingerprints are built.
    """
    result = Collected(put_replace=put_replaces())
    declared, result.problems = declared_checks(urlconf, result)
    make_key = KeyMaker.from_settings()
    needs_path = specs or make_key.strategy == "legacy"
    seen: dict[str, Declared] = {}
    for item in declared:
        check = item.check
        if check.hosts or check.sites or check.locales or check.targets is not None:
            _add_variants(result, item, urlconf, seen, specs, make_key.environment)
            continue
        try:
            if item.static_route is not None:
                path = _static_path(item.static_route) if needs_path else item.static_route
            elif not needs_path and item.converters is not None and accepts(item.converters, check.kwargs):
                path = item.described  # reversible; the key does not need the path
            else:
                path = _reverse(item.check, item.route, urlconf)
        except NoReverseMatch as exc:
            hint = f" ({exc})" if item.check.args or item.check.kwargs else ""
            message = f"cannot reverse {item.route!r}{hint}"
            result.problems.append(Problem(ids.CANNOT_REVERSE, message, item.origin))
            result.invalid_routes.add(item.route)
            result.invalid_keys.update(filter(None, (item.check.key,)))
            continue
        key = check.key or make_key(item.route, check.method, check.args, check.kwargs, path)
        if _claim(result, seen, key, item) and specs:
            result.specs.append(spec_for(item, path, key))
    return result


def _claim(result: Collected, seen: dict[str, Declared], key: str, item: Declared) -> bool:
    """Take ``key`` for ``item``; False (and an E005) when another declaration has it."""
    if key in seen:
        message = f"key {key!r} is also used by {seen[key].origin}"
        result.problems.append(Problem(ids.DUPLICATE_KEY, message, item.origin))
        return False
    seen[key] = item
    return True


def _add_variants(
    result: Collected, item: Declared, urlconf: str | None, seen: dict[str, Declared], specs: bool, env: str
) -> None:
    """One spec per variant of ``item``, keyed ``<its key>-<slug of the variant>``, in one group."""
    from healthcheck_admin.variants import VariantError, targets_for

    check = item.check
    try:
        targets = targets_for(check, item.route, urlconf, database=specs)
    except VariantError as exc:
        result.problems.append(Problem(exc.id, str(exc), item.origin))
        result.invalid_routes.add(item.route)  # its variants' rows are kept as they are
        result.invalid_keys.update(filter(None, (check.key,)))
        return
    base = check.key or default_key(item.route, check.method, check.args, check.kwargs, environment=env)
    for target in targets:
        key = variant_key(base, target.slug)
        if _claim(result, seen, key, item) and specs:
            result.specs.append(spec_for(item, target.path, key, target, check.group or base))
