"""The Django admin for the registry: ops see status and health, push, run and snooze checks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from healthcheck_admin.admin import columns, panels, pushing
from healthcheck_admin.admin.filters import GroupFilter, HealthFilter, SyncStatusFilter, TagFilter
from healthcheck_admin.admin_masking import mask_secrets, reveal_urls
from healthcheck_admin.conf import app_settings
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.limits import MONITOR_FIELDS, REQUEST_FIELDS
from healthcheck_admin.models import CODE_FIELDS, OVERRIDE_FIELDS, PUSHED_FIELDS, HealthcheckDefinition
from healthcheck_admin.signals import HOLD_PUSH
from healthcheck_admin.sync import progress, snooze

logger = logging.getLogger(__name__)
PANEL = ("sync_panel", "history")
BOOKKEEPING = ("removed_at", "created", "modified")
PERM = "healthcheck_admin.{}_healthcheckdefinition"


class SnoozeActionForm(ActionForm):
    # Text, parsed by the action: an IntegerField with bounds would make Django's action
    # form invalid on 0 or "two", and the admin would answer only "No action selected."
    hours = forms.CharField(label=_("hours"), initial="4", required=False, max_length=6)


@admin.register(HealthcheckDefinition)
@mask_secrets
class HealthcheckDefinitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = HealthcheckDefinitionForm
    action_form = SnoozeActionForm
    list_display = ("status_column", "key", "name", "link", "source", "error", "last_pushed_at", "monitor")
    list_display_links = ("key",)
    list_filter = (HealthFilter, SyncStatusFilter, "source", "method", TagFilter, GroupFilter)
    search_fields = ("name", "key", "url", "monitor_code", "tags", "extra_tags")
    list_per_page = 50
    show_full_result_count = False  # a filtered page counts once: "3 results (Show all)", not "3 of 100,000"
    actions = ("push_to_cronitor", "run_now", "snooze_for_hours")
    change_list_template = "admin/healthcheck_admin/healthcheckdefinition/change_list.html"
    change_form_template = "admin/healthcheck_admin/healthcheckdefinition/change_form.html"
    delete_confirmation_template = "admin/healthcheck_admin/healthcheckdefinition/delete_confirmation.html"

    class Media:
        css = {"all": ("healthcheck_admin/admin.css",)}
        js = ("healthcheck_admin/admin.js",)

    # -- columns ---------------------------------------------------------------
    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj: HealthcheckDefinition) -> SafeString:
        return columns.status_badge(obj)

    @admin.display(description=_("URL"), ordering="url")
    def link(self, obj: HealthcheckDefinition) -> SafeString:
        return columns.url_cell(obj)

    @admin.display(description=_("last error"))
    def error(self, obj: HealthcheckDefinition) -> SafeString:
        return columns.error_cell(obj)

    @admin.display(description=_("monitor"), ordering="monitor_code")
    def monitor(self, obj: HealthcheckDefinition) -> SafeString:
        return panels.dashboard_link(obj) if obj.monitor_code else SafeString("-")

    @admin.display(description=_("ownership"))
    def ownership(self, obj: HealthcheckDefinition) -> str:
        from django.utils.html import format_html

        if obj.is_put:
            return format_html(
                "Sent with put() from a deploy script: route <code>{}</code>. Kept until "
                "put(..., replace=True) leaves it out or <code>manage.py healthchecks remove {}</code>.",
                obj.route,
                obj.key,
            )
        if obj.is_code:
            return format_html("Defined in code: route <code>{}</code>", obj.route)
        return str(_("Created in the admin: every field is editable here."))

    @admin.display(description=_("sync"))
    def sync_panel(self, obj: HealthcheckDefinition) -> SafeString:
        return panels.sync_panel(obj)

    @admin.display(description=_("history"))
    def history(self, obj: HealthcheckDefinition) -> SafeString:
        return panels.history(obj)

    @admin.display(description=_("code, override, result"))
    def layers(self, obj: HealthcheckDefinition) -> SafeString:
        return panels.layers(obj)

    # -- which fields, and who owns them ---------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        sets: list[tuple[Any, dict[str, Any]]] = []
        adopt = ("adopt_remote",) if obj is None or not obj.is_code else ()  # checked by the push
        if obj is not None:
            sets.append((_("Sync"), {"fields": PANEL, "classes": ("hc-sync",)}))
        sets += [
            (None, {"fields": ("ownership", "key", "name", "source", "route", *adopt)}),
            (_("Request"), {"fields": REQUEST_FIELDS}),
            (_("Monitor"), {"fields": MONITOR_FIELDS}),
        ]
        if obj is not None and obj.is_code:
            overrides = ("layers", *OVERRIDE_FIELDS)
            sets.append((_("Overrides (owned by ops, never overwritten by code)"), {"fields": overrides}))
        sets.append((_("Bookkeeping"), {"fields": BOOKKEEPING, "classes": ("collapse",)}))
        return sets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = ["ownership", "source", "route", "sync_panel", "history", "layers", *BOOKKEEPING]
        if obj is not None:
            readonly.append("key")
            if obj.is_code:
                readonly.extend(field for field in CODE_FIELDS if field != "route")
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_code and obj.removed_at is None:
            return False  # the next deploy would recreate it: remove it from urls.py instead
        return super().has_delete_permission(request, obj)

    # -- saving: the review step -----------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        held = self._save_needs_review(request, obj, form, change)
        if held:
            setattr(obj, HOLD_PUSH, True)
        self._save_changed_fields(obj, form, change)
        if held:
            self.message_user(
                request,
                _t(
                    "%(key)s is pending: your change is saved, and someone with the permission "
                    "\u201cCan push healthchecks to Cronitor\u201d must push it."
                )
                % {"key": obj.key},
                messages.WARNING,
            )

    @staticmethod
    def _save_changed_fields(obj: Any, form: Any, change: bool) -> None:
        """Write only the fields this form changed: a form opened before a push (or another
        edit) never writes its stale copy of the other columns, sync bookkeeping included."""
        if not change:
            obj.save()
            return
        columns = {f.name for f in obj._meta.concrete_fields if not f.primary_key}
        changed = [name for name in form.changed_data if name in columns]
        if changed:
            obj.save(update_fields=[*changed, "modified"])

    def _save_needs_review(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> bool:
        if not app_settings.ADMIN_SAVE_NEEDS_PUSH_PERMISSION or self.has_push_permission(request):
            return False
        return not change or bool(set(form.changed_data) & set(PUSHED_FIELDS))

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "on_remove": panels.on_remove_text()}
        return super().delete_view(request, object_id, extra_context=extra)

    # -- actions ---------------------------------------------------------------
    def has_push_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERM.format("push"))

    def has_run_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERM.format("run"))

    def has_snooze_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERM.format("snooze"))

    @admin.action(description=_("Push to Cronitor"), permissions=["push"])
    def push_to_cronitor(self, request: HttpRequest, queryset: QuerySet[HealthcheckDefinition]) -> None:
        pushing.start_push(self, request, queryset)

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

    @admin.action(description=_("Pause for N hours (snooze)"), permissions=["snooze"])
    def snooze_for_hours(self, request: HttpRequest, queryset: QuerySet[HealthcheckDefinition]) -> None:
        text = str(request.POST.get("hours", "")).strip()
        hours = int(text) if text.isdigit() else 0
        if not 1 <= hours <= snooze.MAX_HOURS:
            self.message_user(
                request,
                _t("Enter the hours to pause for, from 1 to %(max)d.") % {"max": snooze.MAX_HOURS},
                messages.ERROR,
            )
            return
        keys = snooze.snooze(queryset, hours, actor=request.user.get_username())
        from healthcheck_admin.sync.tasks import enqueue_snooze

        enqueue_snooze(keys, hours)
        text = ngettext(
            "Paused %(count)d monitor for %(hours)d h; it resumes by itself.",
            "Paused %(count)d monitors for %(hours)d h; they resume by themselves.",
            len(keys),
        )
        self.message_user(request, text % {"count": len(keys), "hours": hours}, messages.SUCCESS)

    # -- buttons: "Push all", "Push this check", "Run now" ----------------------
    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("push-all/", view(self.push_all_view), name="{}_{}_push_all".format(*info)),
            path("<path:object_id>/push/", view(self.push_one_view), name="{}_{}_push_one".format(*info)),
            path("<path:object_id>/run/", view(self.run_one_view), name="{}_{}_run_one".format(*info)),
            *reveal_urls(self),
            *super().get_urls(),
        ]

    def _refuse(self, request: HttpRequest, may: Callable[[HttpRequest], bool]) -> HttpResponse | None:
        """405 for anything but POST; PermissionDenied when *may* says no; None to go on."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may(request):
            raise PermissionDenied
        return None

    def push_all_view(self, request: HttpRequest) -> HttpResponse:
        if refused := self._refuse(request, self.has_push_permission):
            return refused
        pushing.start_push(self, request, None)
        return HttpResponseRedirect(reverse("admin:healthcheck_admin_healthcheckdefinition_changelist"))

    def push_one_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if refused := self._refuse(request, self.has_push_permission):
            return refused
        row = get_object_or_404(HealthcheckDefinition, pk=object_id)
        pushing.start_push(self, request, HealthcheckDefinition.objects.filter(pk=row.pk))
        return HttpResponseRedirect(
            reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])
        )

    def run_one_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if refused := self._refuse(request, self.has_run_permission):
            return refused
        row = get_object_or_404(HealthcheckDefinition, pk=object_id)
        return self.run_now(request, HealthcheckDefinition.objects.filter(pk=row.pk))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = {
            **(extra_context or {}),
            "can_push": self.has_push_permission(request),
            "can_run": self.has_run_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied  # a 403, not Django's silent "No action selected"
        snooze.clear_expired()
        state = progress.current()
        if request.method == "GET":
            pushing.report_finished(self, request, state)
        extra = {
            **(extra_context or {}),
            "can_push": self.has_push_permission(request),
            "push_progress": state if state is not None and state.running else None,
        }
        return super().changelist_view(request, extra_context=extra)
