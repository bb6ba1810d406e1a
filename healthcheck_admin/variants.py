"""One declaration, many targets: ``hosts=``, ``sites=True``, ``locales=True`` and ``targets=``.

:func:`targets_for` turns one :class:`~healthcheck_admin.declarations.Healthcheck` into its
variants, each reversed to a path. It is only called for a declaration that sets one of the
four arguments, so that every other route costs :mod:`healthcheck_admin.registry` nothing.
Bad input raises :class:`VariantError` with its system check ID; the registry reports it
and leaves the declaration's rows as they are.

Combination rule: at most one of ``hosts=``, ``sites=True`` and ``targets=`` (each says where the
route is checked); ``locales=True`` combines with any of them (it says which language prefix).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

from healthcheck_admin import check_ids as ids
from healthcheck_admin.keys import slug

if TYPE_CHECKING:
    from healthcheck_admin.declarations import Healthcheck


@dataclass(frozen=True)
class Variant:
    """One named target of a ``Healthcheck(targets=...)`` function: its host, kwargs and headers.

    ``name`` names the variant in its key (``<route key>-<slug of name>``), so keep it stable.
    ``host`` replaces ``HEALTHCHECKS["HOSTNAME"]``; ``kwargs`` are added to the route's reverse
    kwargs; ``headers`` are added to the declaration's.
    """

    name: str
    host: str | None = None
    kwargs: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved variant: its name, the slug its key ends in, and what its row differs by."""

    name: str
    slug: str
    path: str
    host: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class VariantError(Exception):
    """A bad variant argument, with the system check ID it is reported under."""

    def __init__(self, check_id: str, message: str) -> None:
        super().__init__(message)
        self.id = check_id


def _hosts(value: object) -> list[Variant]:
    from healthcheck_admin.setting_rules import HOST_RE

    if not isinstance(value, (list, tuple)) or not value:
        raise VariantError(ids.VARIANT_HOSTS, f"hosts={value!r} is not a non-empty list of host names")
    for host in value:
        if not isinstance(host, str) or not HOST_RE.fullmatch(host):
            raise VariantError(ids.VARIANT_HOSTS, f"hosts= item {host!r} is not a host name")
    return [Variant(host, host=host) for host in value]


def _sites(database: bool) -> list[Variant]:
    from django.apps import apps

    if not apps.is_installed("django.contrib.sites"):
        raise VariantError(ids.VARIANT_SITES, "sites=True, but django.contrib.sites is not installed")
    if not database:  # the system checks: the sites table may not exist yet
        return []
    from django.contrib.sites.models import Site
    from django.db import DatabaseError

    try:
        domains = list(Site.objects.order_by("pk").values_list("domain", flat=True))
    except DatabaseError as exc:
        raise VariantError(ids.VARIANT_SITES, f"sites=True, but the sites cannot be read: {exc}") from None
    return [Variant(domain, host=domain) for domain in domains]


def _call_targets(function: object) -> list[Variant]:
    if not callable(function):
        raise VariantError(ids.VARIANT_TARGETS, f"targets={function!r} is not callable")
    try:
        returned = function()
        variants = list(returned) if isinstance(returned, Iterable) else [returned]
    except Exception as exc:  # the user's code: any failure is a report, never a crash
        raise VariantError(ids.VARIANT_TARGETS, f"targets= function raised {exc!r}") from None
    for variant in variants:
        if not isinstance(variant, Variant):
            raise VariantError(ids.VARIANT_TARGETS, f"targets= returned {variant!r}, not a Variant")
        _check_variant(variant)
    return variants


def _check_variant(variant: Variant) -> None:
    from healthcheck_admin.limits import HealthcheckError, check_str_map
    from healthcheck_admin.setting_rules import HOST_RE

    problem = None
    if not isinstance(variant.name, str) or not slug(variant.name):
        problem = f"name {variant.name!r} has no letters or digits to key it by"
    elif variant.host is not None and not (isinstance(variant.host, str) and HOST_RE.fullmatch(variant.host)):
        problem = f"host {variant.host!r} is not a host name"
    elif variant.kwargs is not None and not (
        isinstance(variant.kwargs, Mapping) and all(isinstance(k, str) for k in variant.kwargs)
    ):
        problem = f"kwargs {variant.kwargs!r} is not a dict with string keys"
    else:
        try:
            check_str_map("headers", variant.headers)
        except HealthcheckError as exc:
            problem = str(exc)
    if problem:
        raise VariantError(ids.VARIANT_TARGETS, f"targets= variant {variant.name!r}: {problem}")


def _places(check: Healthcheck, database: bool) -> list[Variant]:
    given = [name for name in ("hosts", "sites", "targets") if getattr(check, name) not in ((), False, None)]
    if len(given) > 1:
        message = f"{' and '.join(given)} cannot be combined; pass one of them (locales=True combines)"
        raise VariantError(ids.VARIANT_COMBINATION, message)
    for name in ("sites", "locales"):
        if not isinstance(getattr(check, name), bool):
            message = f"{name}={getattr(check, name)!r} is not True or False"
            raise VariantError(ids.VARIANT_COMBINATION, message)
    if check.hosts:
        return _hosts(check.hosts)
    if check.sites:
        return _sites(database)
    if check.targets is not None:
        return _call_targets(check.targets)
    return [Variant("")]  # locales=True alone


def _reverse(check: Healthcheck, route: str, urlconf: str | None, variant: Variant) -> str:
    if variant.kwargs:
        if check.args:
            message = f"variant {variant.name!r} has kwargs, but the route is reversed with args"
            raise VariantError(ids.VARIANT_TARGETS, message)
        kwargs = {**check.kwargs, **variant.kwargs}
        return reverse(route, urlconf, kwargs=kwargs, current_app=check.current_app)
    if check.kwargs:
        return reverse(route, urlconf, kwargs=check.kwargs, current_app=check.current_app)
    return reverse(route, urlconf, args=check.args, current_app=check.current_app)


def _languages(check: Healthcheck, route: str, urlconf: str | None, places: list[Variant]) -> list[str]:
    """The language codes, once the route is known to be inside ``i18n_patterns()``."""
    from django.conf import settings

    codes = [code for code, _ in settings.LANGUAGES]
    if not places:  # no site or tenant yet: nothing to reverse
        return codes
    paths = {_localised(check, route, urlconf, places[0], code) for code in codes}
    if len(paths) < 2:
        raise VariantError(ids.VARIANT_LOCALES, f"locales=True, but {route!r} is not inside i18n_patterns()")
    return codes


def _localised(check: Healthcheck, route: str, urlconf: str | None, variant: Variant, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return _reverse(check, route, urlconf, variant)


def targets_for(
    check: Healthcheck, route: str, urlconf: str | None, *, database: bool = True
) -> list[Target]:
    """Every variant of ``check`` on ``route``, reversed; raises :class:`VariantError`.

    ``database=False`` (the system checks) does not read the Site table.
    """
    places = _places(check, database)
    targets: list[Target] = []
    seen: dict[str, str] = {}
    try:
        languages: list[str | None] = [None]
        if check.locales:
            languages = list(_languages(check, route, urlconf, places))
        for place in places:
            for language in languages:
                name = "-".join(filter(None, (place.name, language)))
                path = (
                    _localised(check, route, urlconf, place, language)
                    if language
                    else _reverse(check, route, urlconf, place)
                )
                targets.append(Target(name, slug(name), path, place.host, dict(place.headers or {})))
                if targets[-1].slug in seen:
                    message = f"variants {seen[targets[-1].slug]!r} and {name!r} have the same key"
                    raise VariantError(ids.VARIANT_DUPLICATE, message)
                seen[targets[-1].slug] = name
    except NoReverseMatch as exc:
        raise VariantError(ids.CANNOT_REVERSE, f"cannot reverse {route!r} ({exc})") from None
    return targets
