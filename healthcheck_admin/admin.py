"""The Django admin for the registry: list, filter, edit, push and run checks."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from healthcheck_admin.admin_masking import mask_secrets, reveal_urls
from healthcheck_admin.conf import app_settings
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.limits import MONITOR_FIELDS, REQUEST_FIELDS
from healthcheck_admin.models import CODE_FIELDS, OVERRIDE_FIELDS, HealthcheckDefinition

logger = logging.getLogger(__name__)
BOOKKEEPING = ("status", "monitor_code", "last_pushed_at", "last_error", "removed_at", "created", "modified")


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


@admin.register(HealthcheckDefinition)
@mask_secrets
class HealthcheckDefinitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = HealthcheckDefinitionForm
    list_display = ("key", "name", "method", "link", "source", "status", "last_pushed_at", "monitor")
    list_filter = ("source", "status", "method", TagFilter)
    search_fields = ("name", "key", "url")
    list_per_page = 50
    actions = ("push_to_cronitor", "run_now")
    change_list_template = "admin/healthcheck_admin/healthcheckdefinition/change_list.html"

    # -- columns ---------------------------------------------------------------
    @admin.display(description=_("URL"), ordering="url")
    def link(self, obj: HealthcheckDefinition) -> str:
        if obj.url.startswith(("http://", "https://")):
            return format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url
            )
        return obj.url

    @admin.display(description=_("monitor"), ordering="monitor_code")
    def monitor(self, obj: HealthcheckDefinition) -> str:
        if not obj.monitor_code:
            return "-"
        href = app_settings.DASHBOARD_URL.format(key=obj.key, code=obj.monitor_code)
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', href, obj.monitor_code
        )

    @admin.display(description=_("ownership"))
    def ownership(self, obj: HealthcheckDefinition) -> str:
        if obj.is_code:
            return format_html("Defined in code: route <code>{}</code>", obj.route)
        return str(_("Created in the admin: every field is editable here."))

    # -- which fields, and who owns them ---------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        sets: list[tuple[Any, dict[str, Any]]] = [
            (None, {"fields": ("ownership", "key", "name", "source", "route")}),
            (_("Request"), {"fields": REQUEST_FIELDS}),
            (_("Monitor"), {"fields": MONITOR_FIELDS}),
        ]
        if obj is not None and obj.is_code:
            sets.append(
                (_("Overrides (owned by ops, never overwritten by code)"), {"fields": OVERRIDE_FIELDS})
            )
        sets.append((_("Sync"), {"fields": BOOKKEEPING, "classes": ("collapse",)}))
        return sets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = ["ownership", "source", "route", *BOOKKEEPING]
        if obj is not None:
            readonly.append("key")
            if obj.is_code:
                readonly.extend(field for field in CODE_FIELDS if field != "route")
        return readonly

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Write only the fields this form changed: a form opened before a push (or another
        edit) never writes its stale copy of the other columns, sync bookkeeping included."""
        if not change:
            obj.save()
            return
        columns = {f.name for f in obj._meta.concrete_fields if not f.primary_key}
        changed = [name for name in form.changed_data if name in columns]
        if changed:
            obj.save(update_fields=[*changed, "modified"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_code and obj.removed_at is None:
            return False  # the next deploy would recreate it: remove it from urls.py instead
        return super().has_delete_permission(request, obj)

    # -- actions ---------------------------------------------------------------
    def has_push_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("healthcheck_admin.push_healthcheckdefinition")

    def has_run_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("healthcheck_admin.run_healthcheckdefinition")

    @admin.action(description=_("Push to Cronitor"), permissions=["push"])
    def push_to_cronitor(self, request: HttpRequest, queryset: QuerySet[HealthcheckDefinition]) -> None:
        self._push(request, queryset, force=True)

    @admin.action(description=_("Run now"), permissions=["run"])
    def run_now(self, request: HttpRequest, queryset: QuerySet[HealthcheckDefinition]) -> HttpResponse:
        from healthcheck_admin.runner import RunConfig, run_checks

        results = sorted(run_checks(list(queryset), RunConfig()), key=lambda result: result.key)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Run now"),
            "opts": self.model._meta,
            "results": results,
        }
        return TemplateResponse(request, "admin/healthcheck_admin/run_results.html", context)

    def _push(
        self, request: HttpRequest, queryset: QuerySet[HealthcheckDefinition] | None, force: bool
    ) -> None:
        from healthcheck_admin.sync.service import push

        try:
            report = push(queryset, force=force)
        except Exception as exc:  # never a 500: the rows keep their state and can be pushed again
            logger.exception("Push from the admin failed")
            self.message_user(
                request, _("Push failed: %(error)s") % {"error": type(exc).__name__}, messages.ERROR
            )
            return
        if report.synced:
            synced = ", ".join(report.synced)
            self.message_user(
                request, _("Pushed to Cronitor: %(keys)s.") % {"keys": synced}, messages.SUCCESS
            )
        for key, error in sorted(report.failed.items()):
            self.message_user(
                request, _("%(key)s failed: %(error)s") % {"key": key, "error": error}, messages.ERROR
            )
        if report.removed:
            removed = ", ".join(report.removed)
            self.message_user(
                request, _("Removed from Cronitor: %(keys)s.") % {"keys": removed}, messages.SUCCESS
            )
        if not (report.synced or report.failed or report.removed):
            self.message_user(request, _("Nothing to push: every check is up to date."), messages.INFO)

    # -- the "Push all" button -------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        push_all = self.admin_site.admin_view(self.push_all_view)
        return [
            path("push-all/", push_all, name="{}_{}_push_all".format(*info)),
            *reveal_urls(self),
            *super().get_urls(),
        ]

    def push_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_push_permission(request):
            raise PermissionDenied
        self._push(request, None, force=False)
        return HttpResponseRedirect(reverse("admin:healthcheck_admin_healthcheckdefinition_changelist"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        guarded = {"push_to_cronitor": self.has_push_permission, "run_now": self.has_run_permission}
        action = request.POST.get("action") if request.method == "POST" else None
        if action in guarded and not guarded[action](request):
            raise PermissionDenied  # a 403, not Django's silent "No action selected"
        extra = {**(extra_context or {}), "can_push": self.has_push_permission(request)}
        return super().changelist_view(request, extra_context=extra)
