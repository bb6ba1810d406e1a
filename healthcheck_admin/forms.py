"""The admin form: every field validated with the validators ``Healthcheck(...)`` uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from healthcheck_admin import limits as d
from healthcheck_admin.declarations import check_assertions
from healthcheck_admin.forms_widgets import (
    ChecksWidget,
    CommaWidget,
    KeyValueField,
    Lines,
    LinesField,
    LinesWidget,
    Rows,
    WidgetJSONField,
    check_lines,
    rows_to_dict,
)
from healthcheck_admin.models import OVERRIDE_FIELDS, HealthcheckDefinition
from healthcheck_admin.redaction import MASK, masks_cookie, masks_header

http_url = URLValidator(schemes=["http", "https"])


def _wrap(check: Callable[[], Any]) -> Any:
    """Run a validator of :mod:`healthcheck_admin.limits`, turning its HealthcheckError into a field error."""
    try:
        return check()
    except d.HealthcheckError as exc:
        message = str(exc).split(": ", 1)[-1]
        raise ValidationError(message, code="invalid") from None


class OptionalJSONField(WidgetJSONField):
    """A list where empty means None ("inherit from code"), shown empty rather than ``null``."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


def _secret_map(name: str, help_text: Any) -> KeyValueField:
    """A map of header (or cookie) rows; {mask} in *help_text* names the mask that keeps a stored secret."""
    return KeyValueField(
        masked_as=name, required=False, initial=dict, help_text=format_lazy(help_text, mask=MASK)
    )


def _list(widget: Any, help_text: Any) -> WidgetJSONField:
    """A list field, empty by default, edited through *widget*."""
    return WidgetJSONField(required=False, initial=list, widget=widget, help_text=help_text)


class InheritSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("Inherit from code")),
            ("true", _("Paused")),
            ("false", _("Not paused")),
        ]


class HealthcheckDefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "vURLField hc-wide", "inputmode": "url"}),
        help_text=_("An absolute http(s) URL."),
    )
    headers = _secret_map(
        "headers", _('One header a row. Write secrets as "env:VAR_NAME"; {mask} keeps the stored value.')
    )
    cookies = _secret_map(
        "cookies", _('One cookie a row, e.g. session with "env:SESSION"; {mask} keeps the stored value.')
    )
    assertions = LinesField(
        required=False,
        initial=list,
        widget=LinesWidget,
        help_text=_("One Cronitor assertion a line, e.g. response.code = 200 and response.time < 2s."),
    )
    tags = _list(CommaWidget, _("Comma-separated, e.g. api, critical."))
    notify = _list(CommaWidget, _("Notification lists, comma-separated, e.g. default."))
    regions = _list(
        ChecksWidget(choices=[(region, region) for region in d.REGIONS]),
        _("None ticked: Cronitor's default regions."),
    )
    extra_tags = _list(CommaWidget, _("Tags added to those defined in code, comma-separated."))
    override_notify = OptionalJSONField(
        required=False,
        widget=CommaWidget(empty=""),
        help_text=_("Empty: use the notify lists from code."),
    )
    override_note = forms.CharField(
        required=False,
        empty_value=None,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: use the note from code."),
    )
    override_failure_tolerance = forms.IntegerField(
        required=False, min_value=0, help_text=_("Empty: use the failure tolerance from code.")
    )
    override_realert_interval = forms.CharField(
        required=False, empty_value=None, help_text=_("e.g. every 1 day. Empty: use the interval from code.")
    )
    override_group = forms.CharField(
        required=False, empty_value=None, help_text=_("Empty: use the group from code.")
    )
    override_paused = forms.NullBooleanField(
        required=False, widget=InheritSelect, label=_("Paused (override)")
    )

    class Meta:
        model = HealthcheckDefinition
        fields = ("key", "name", "adopt_remote", *d.REQUEST_FIELDS, *d.MONITOR_FIELDS, *OVERRIDE_FIELDS)

    def _keep_masked(self, name: str, value: Any) -> Any:
        """The mask means "keep the stored value of this same header (or cookie)", and nothing else.

        A masked value under a name that holds no masked value (a renamed header, a new row)
        is an error, and so is a value that contains the mask: it would be sent as the secret.
        """
        if not isinstance(value, dict):
            return value
        stored = getattr(self.instance, name, None) or {}
        masks = masks_header if name == "headers" else masks_cookie
        kept: dict[str, Any] = {}
        for item, given in value.items():
            if isinstance(given, str) and MASK in given:
                if given != MASK or item not in stored or not masks(item, stored[item]):
                    raise ValidationError(
                        _(
                            "%(what)s %(name)r: %(mask)r stands only for the value already stored under "
                            "this same name, and %(name)r has none; type the value again "
                            '(or an "env:NAME" reference).'
                        ),
                        code="masked",
                        params={"what": name[:-1].capitalize(), "name": item, "mask": MASK},
                    )
                given = stored[item]
            kept[item] = given
        return kept

    def clean_key(self) -> str:
        return str(_wrap(lambda: d.check_key(self.cleaned_data.get("key"))))

    def clean_name(self) -> str:
        name = self.cleaned_data.get("name", "")
        return str(_wrap(lambda: d.check_text("name", name, max_length=d.MAX_NAME)))

    def clean_note(self) -> str:
        note = self.cleaned_data.get("note", "")
        return str(_wrap(lambda: d.check_text("note", note, allowed=d.MULTILINE, max_length=d.MAX_NOTE)))

    def clean_override_note(self) -> str | None:
        note = self.cleaned_data.get("override_note")
        return _wrap(lambda: d.check_optional_str("note", note, d.MAX_NOTE, allowed=d.MULTILINE))  # type: ignore[no-any-return]

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        return str(_wrap(lambda: d.check_text("body", body, allowed=d.MULTILINE)))

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url", "")
        http_url(url)
        _wrap(lambda: d.check_url("url", url))
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018 - raises ValueError for a port outside 0-65535
        except ValueError:
            raise ValidationError(_("Enter a port from 1 to 65535."), code="invalid") from None
        if not parts.hostname:
            raise ValidationError(_("Enter an absolute http(s) URL with a host."), code="invalid")
        if parts.username is not None or parts.password is not None:
            raise ValidationError(
                _(
                    "Do not put credentials in the URL; send them in a header, "
                    'e.g. {"Authorization": "env:NAME"}.'
                ),
                code="invalid",
            )
        return str(url)

    def _rows(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return rows_to_dict(name[:-1], value) if isinstance(value, Rows) else value

    def clean_headers(self) -> dict[str, str]:
        value = self._keep_masked("headers", self._rows("headers"))
        return dict(_wrap(lambda: d.check_str_map("headers", value)))

    def clean_cookies(self) -> dict[str, str]:
        value = self._keep_masked("cookies", self._rows("cookies"))
        return dict(_wrap(lambda: d.check_str_map("cookies", value)))

    def clean_assertions(self) -> list[str]:
        value = self.cleaned_data.get("assertions")
        if isinstance(value, Lines):
            value = check_lines(value)
        return list(_wrap(lambda: check_assertions(value)))

    def clean_tags(self) -> list[str]:
        return list(_wrap(lambda: d.check_str_list("tags", self.cleaned_data.get("tags"))))

    def clean_extra_tags(self) -> list[str]:
        return list(_wrap(lambda: d.check_str_list("extra_tags", self.cleaned_data.get("extra_tags"))))

    def clean_notify(self) -> list[str]:
        return list(_wrap(lambda: d.check_str_list("notify", self.cleaned_data.get("notify"))))

    def clean_override_notify(self) -> list[str] | None:
        value = self.cleaned_data.get("override_notify")
        if value in (None, ""):
            return None
        return list(_wrap(lambda: d.check_str_list("override_notify", value)))

    def clean_failure_tolerance(self) -> int | None:
        value = self.cleaned_data.get("failure_tolerance")
        return _wrap(lambda: d.check_failure_tolerance(value))  # type: ignore[no-any-return]

    def clean_override_failure_tolerance(self) -> int | None:
        value = self.cleaned_data.get("override_failure_tolerance")
        return _wrap(lambda: d.check_failure_tolerance(value))  # type: ignore[no-any-return]

    def clean_realert_interval(self) -> str:
        value = self.cleaned_data.get("realert_interval")
        return str(_wrap(lambda: d.check_realert_interval(value)) or "")

    def clean_override_realert_interval(self) -> str | None:
        value = self.cleaned_data.get("override_realert_interval")
        return _wrap(lambda: d.check_realert_interval(value))  # type: ignore[no-any-return]

    def clean_group(self) -> str:
        return str(_wrap(lambda: d.check_group(self.cleaned_data.get("group"))) or "")

    def clean_override_group(self) -> str | None:
        return _wrap(lambda: d.check_group(self.cleaned_data.get("override_group")))  # type: ignore[no-any-return]

    def clean_regions(self) -> list[str]:
        value = self.cleaned_data.get("regions")
        return list(_wrap(lambda: d.check_str_list("regions", value, choices=d.REGIONS)))

    def clean_interval_seconds(self) -> int:
        value = self.cleaned_data.get("interval_seconds")
        return int(_wrap(lambda: d.check_int_range("interval_seconds", value, d.INTERVAL_RANGE)))

    def clean_timeout_seconds(self) -> int:
        value = self.cleaned_data.get("timeout_seconds")
        return int(_wrap(lambda: d.check_int_range("timeout_seconds", value, d.TIMEOUT_RANGE)))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        method, body = cleaned.get("method"), cleaned.get("body")
        if body and method and method not in d.BODY_METHODS:
            self.add_error(
                "body", _("A body is only sent with POST, PUT or PATCH, not %(m)s.") % {"m": method}
            )
        return cleaned
