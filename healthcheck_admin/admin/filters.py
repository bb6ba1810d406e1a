"""Changelist filters: remote health (``?health=``), sync state (``?status__exact=``) and tag."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from healthcheck_admin.models import HealthcheckDefinition

HEALTH = HealthcheckDefinition.HEALTH
STATUS = HealthcheckDefinition.STATUS


class _ChoicesFilter(admin.SimpleListFilter):
    """Rows whose ``field`` is the chosen one of ``labels``; a value outside ``values`` filters nothing."""

    field: str
    values: Any
    labels: tuple[tuple[str, Any], ...]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(self.labels)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value and value in self.values else queryset


class HealthFilter(_ChoicesFilter):
    """Cronitor's health as the last refresh read it (``?health=failing``)."""

    title = _("health on Cronitor")
    parameter_name = field = "health"
    values = HEALTH
    labels = (
        (HEALTH.failing, _("failing")),
        (HEALTH.passing, _("passing")),
        (HEALTH.paused, _("paused")),
        (HEALTH.disabled, _("disabled")),
        (HEALTH.unknown, _("not read yet")),
    )


class SyncStatusFilter(_ChoicesFilter):
    """The sync state (``?status__exact=failed``), labelled as ops read it."""

    title = _("sync state")
    parameter_name = "status__exact"
    field = "status"
    values = STATUS
    labels = (
        (STATUS.failed, _("failed to push")),
        (STATUS.pending, _("pending (not pushed yet)")),
        (STATUS.pushing, _("pushing")),
        (STATUS.synced, _("synced")),
        (STATUS.disabled, _("disabled by Cronitor")),
        (STATUS.removed, _("removed")),
    )


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tags: set[str] = set()
        for code_tags, extra in model_admin.get_queryset(request).values_list("tags", "extra_tags"):
            tags.update(code_tags or ())
            tags.update(extra or ())
        return [(tag, tag) for tag in sorted(tags)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        tag = self.value()
        if not tag:
            return queryset
        needle = f'"{tag}"'
        return queryset.filter(tags__icontains=needle) | queryset.filter(extra_tags__icontains=needle)
