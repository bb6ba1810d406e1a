"""Changelist filters: remote health (``?health=``), sync state (``?status__exact=``) and tag."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from healthcheck_admin.admin import facets
from healthcheck_admin.models import HealthcheckDefinition

HEALTH = HealthcheckDefinition.HEALTH
STATUS = HealthcheckDefinition.STATUS


class _ChoicesFilter(admin.SimpleListFilter):
    """Rows whose ``field`` is the chosen one of ``values``; a value outside them filters nothing.

    The links come in ``order`` (most urgent first), labelled as the model's choices are, except
    where ``relabel`` words a value as ops read it.
    """

    field: str
    values: Any
    order: tuple[str, ...]
    relabel: dict[str, Any] = {}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(value, self.relabel.get(value, self.values[value])) for value in self.order]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value and value in self.values else queryset


class HealthFilter(_ChoicesFilter):
    """Cronitor's health as the last refresh read it (``?health=failing``)."""

    title = _("health on Cronitor")
    parameter_name = field = "health"
    values = HEALTH
    order = (HEALTH.failing, HEALTH.passing, HEALTH.paused, HEALTH.disabled, HEALTH.unknown)
    relabel = {HEALTH.unknown: _("not read yet")}


class SyncStatusFilter(_ChoicesFilter):
    """The sync state (``?status__exact=failed``), labelled as ops read it."""

    title = _("sync state")
    parameter_name = "status__exact"
    field = "status"
    values = STATUS
    order = (STATUS.failed, STATUS.pending, STATUS.pushing, STATUS.synced, STATUS.disabled, STATUS.removed)
    relabel = {
        STATUS.failed: _("failed to push"),
        STATUS.pending: _("pending (not pushed yet)"),
        STATUS.disabled: _("disabled by Cronitor"),
    }


def _facets(request: HttpRequest, model_admin: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The tags and the groups in use, once per request for both filters, cached across requests
    by a cheap version of the table (:mod:`healthcheck_admin.admin.facets`)."""
    cached: tuple[frozenset[str], frozenset[str]] | None = getattr(request, "_healthcheck_facets", None)
    if cached is None:
        cached = facets.facets(model_admin.get_queryset(request))
        request._healthcheck_facets = cached  # type: ignore[attr-defined]
    return cached


class _FacetFilter(admin.SimpleListFilter):
    """A filter whose choices are the values in use: ``_facets()[facet]``."""

    facet: int

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, value) for value in sorted(_facets(request, model_admin)[self.facet])]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return self.matching(queryset, value) if value else queryset

    def matching(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        """The rows of *queryset* that have *value*, the chosen tag or group."""
        raise NotImplementedError


class TagFilter(_FacetFilter):
    title = _("tag")
    parameter_name = "tag"
    facet = 0

    def matching(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        needle = f'"{value}"'
        return queryset.filter(tags__icontains=needle) | queryset.filter(extra_tags__icontains=needle)


class GroupFilter(_FacetFilter):
    """The monitor group (``?group=``): the variants of one declaration share one, its route key."""

    title = _("group (declaration)")
    parameter_name = "group"
    facet = 1

    def matching(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        inherited = queryset.filter(group=value, override_group__isnull=True)
        return queryset.filter(override_group=value) | inherited
