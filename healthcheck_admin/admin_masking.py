"""Masked headers and cookies in every admin view, and the one way to reveal a value.

Decorate the ``ModelAdmin`` with :func:`mask_secrets` (under ``@admin.register``): it
wraps the class's own ``get_fieldsets`` and ``get_readonly_fields``, so that wherever
``headers`` or ``cookies`` would be shown read-only (a code row's fields, a view-only
user's page) they are shown through :func:`healthcheck_admin.redaction.mask_field`
instead. The editable form masks them itself (``forms_widgets.KeyValueField``).

Revealing a value takes the ``reveal_healthcheckdefinition`` permission and a POST to
``<pk>/reveal/``; each reveal is recorded as a ``HealthcheckEvent`` of kind ``reveal``
and logged, both without the value.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from healthcheck_admin.redaction import mask_field, masks_cookie, masks_header

logger = logging.getLogger(__name__)

#: Each field that may hold secrets, and the read-only display that shows it masked.
DISPLAYS = {"headers": "masked_headers", "cookies": "masked_cookies"}
REVEAL_PERMISSION = "healthcheck_admin.reveal_healthcheckdefinition"
REVEAL_URL = "admin:healthcheck_admin_healthcheckdefinition_reveal"
AdminClass = TypeVar("AdminClass", bound=type)


def mask_secrets(cls: AdminClass) -> AdminClass:
    """``cls`` with :class:`MaskedFieldsMixin` in front, whatever ``cls`` itself overrides."""
    masked = type(
        cls.__name__, (MaskedFieldsMixin, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__}
    )
    masked.__qualname__ = cls.__qualname__
    return masked  # type: ignore[return-value]


def masked_names(obj: HealthcheckDefinition, field: str) -> list[str]:
    """The names under ``field`` whose stored values are shown as the mask."""
    masks = masks_header if field == "headers" else masks_cookie
    return [str(name) for name, value in (getattr(obj, field) or {}).items() if masks(name, value)]


def shown(obj: HealthcheckDefinition, field: str, *, link: bool = False) -> str:
    """``field`` of ``obj`` as read-only text: JSON with every masked value replaced by the mask.

    With ``link`` (for users who may reveal), a "Reveal…" link follows when something is masked.
    """
    text = json.dumps(mask_field(field, getattr(obj, field) or {}), ensure_ascii=False)
    if not link or obj.pk is None or not masked_names(obj, field):
        return text
    url = reverse(REVEAL_URL, args=[obj.pk])
    return format_html('{} <a class="reveal-link" href="{}?field={}">{}</a>', text, url, field, _("Reveal…"))


class MaskedFieldsMixin:
    """Show ``headers`` and ``cookies`` masked wherever they are read-only, for every user."""

    @admin.display(description=_("headers"))
    def masked_headers(self, obj: HealthcheckDefinition) -> str:
        return shown(obj, "headers")

    @admin.display(description=_("cookies"))
    def masked_cookies(self, obj: HealthcheckDefinition) -> str:
        return shown(obj, "cookies")

    @admin.display(description=_("headers"))
    def masked_headers_revealable(self, obj: HealthcheckDefinition) -> str:
        return shown(obj, "headers", link=True)

    @admin.display(description=_("cookies"))
    def masked_cookies_revealable(self, obj: HealthcheckDefinition) -> str:
        return shown(obj, "cookies", link=True)

    def _display(self, request: HttpRequest, name: str) -> str:
        """The read-only display that stands for the field ``name`` for this user."""
        display = DISPLAYS[name]
        return f"{display}_revealable" if self.has_reveal_permission(request) else display

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [self._display(request, name) if name in DISPLAYS else name for name in fields]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        sets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        everything = obj is not None and not self.has_change_permission(request, obj)  # type: ignore[attr-defined]
        readonly = set(self.get_readonly_fields(request, obj))

        def swap(name: Any) -> Any:
            if not isinstance(name, str) or name not in DISPLAYS:
                return name
            display = self._display(request, name)
            return display if everything or display in readonly else name

        return [
            (title, {**options, "fields": [swap(name) for name in options.get("fields", ())]})
            for title, options in sets
        ]

    # -- reveal ------------------------------------------------------------------------------
    def has_reveal_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(REVEAL_PERMISSION))

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: which value to reveal; POST: that value, once, recorded and logged."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_reveal_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is None or not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            raise Http404(f"no healthcheck with the id {object_id!r}")
        field = (request.POST if request.method == "POST" else request.GET).get("field", "headers")
        if field not in DISPLAYS:
            raise Http404(f"{field!r} holds no masked values; use 'headers' or 'cookies'")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("Reveal a secret of %(name)s") % {"name": obj},
            "opts": obj._meta,
            "original": obj,
            "field": field,
            "names": masked_names(obj, field),
        }
        if request.method == "POST":
            name = request.POST.get("name", "")
            if name not in context["names"]:
                raise Http404(f"{field} of {obj.key!r} have no masked value named {name!r}")
            record_reveal(request, obj, field, name)
            context.update(name=name, value=getattr(obj, field)[name])
        return TemplateResponse(request, "admin/healthcheck_admin/reveal.html", context)


def reveal_urls(model_admin: Any) -> list[URLPattern]:
    """The reveal view's URL, for ``get_urls`` of an admin decorated with :func:`mask_secrets`."""
    view = model_admin.admin_site.admin_view(model_admin.reveal_view)
    return [path("<path:object_id>/reveal/", view, name=REVEAL_URL.split(":", 1)[1])]


def record_reveal(request: HttpRequest, obj: HealthcheckDefinition, field: str, name: str) -> None:
    """A ``reveal`` history entry and a log line, naming who saw which value, never the value."""
    actor = str(request.user.get_username()) if request.user.is_authenticated else ""
    what = "header" if field == "headers" else "cookie"
    message = f"{actor or 'someone'} revealed the {what} {name!r}"
    HealthcheckEvent.objects.create(
        definition=obj,
        key=obj.key,
        kind=HealthcheckEvent.KIND.reveal,
        message=message,
        actor=actor,
        detail={"field": field, "name": name},
    )
    logger.warning("Healthcheck %r: %s in the admin", obj.key, message)
