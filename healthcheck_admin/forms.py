"""The admin form: every field validated with the validators ``Healthcheck(...)`` uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from healthcheck_admin import limits as d
from healthcheck_admin.declarations import check_assertions
from healthcheck_admin.models import OVERRIDE_FIELDS, HealthcheckDefinition
from healthcheck_admin.redaction import MASK, mask_field, masks_cookie, masks_header

http_url = URLValidator(schemes=["http", "https"])


def _wrap(check: Callable[[], Any]) -> Any:
    """Run a validator of :mod:`healthcheck_admin.limits`, turning its HealthcheckError into a field error."""
    try:
        return check()
    except d.HealthcheckError as exc:
        message = str(exc).split(": ", 1)[-1]
        raise ValidationError(message, code="invalid") from None


class JSONObjectField(forms.JSONField):
    """A JSON object of headers whose sensitive values are shown as the mask (see ``redaction``)."""

    masked_as = "headers"

    def prepare_value(self, value: Any) -> Any:
        return super().prepare_value(mask_field(self.masked_as, value))


class CookiesField(JSONObjectField):
    masked_as = "cookies"


class OptionalJSONField(forms.JSONField):
    """A JSON field where empty means None ("inherit from code"), shown empty rather than ``null``."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class InheritSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("Inherit from code")),
            ("true", _("Paused")),
            ("false", _("Not paused")),
        ]


class HealthcheckDefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    adopt = forms.BooleanField(
        required=False,
        label=_("Adopt an existing Cronitor monitor"),
        help_text=_("Take over a monitor with this key made elsewhere; its dashboard settings are kept."),
    )
    url = forms.CharField(label=_("URL"), max_length=2000, help_text=_("An absolute http(s) URL."))
    headers = JSONObjectField(
        required=False,
        initial=dict,
        help_text=_('A JSON object, e.g. {"Accept": "application/json"}. Write secrets as "env:VAR_NAME".'),
    )
    cookies = CookiesField(
        required=False, initial=dict, help_text=_('A JSON object, e.g. {"session": "env:SESSION"}.')
    )
    assertions = forms.JSONField(
        required=False,
        initial=list,
        help_text=_(
            'A JSON list of Cronitor assertions, e.g. ["response.code = 200", "response.time < 2s"].'
        ),
    )
    tags = forms.JSONField(
        required=False, initial=list, help_text=_('A JSON list, e.g. ["api", "critical"].')
    )
    notify = forms.JSONField(
        required=False, initial=list, help_text=_('Notification lists, e.g. ["default"].')
    )
    regions = forms.JSONField(
        required=False, initial=list, help_text=_('Cronitor regions, e.g. ["us-east-1"]; empty: default.')
    )
    extra_tags = forms.JSONField(
        required=False, initial=list, help_text=_("Tags added to those defined in code.")
    )
    override_notify = OptionalJSONField(required=False, help_text=_("Empty: use the notify lists from code."))
    override_note = forms.CharField(
        required=False,
        empty_value=None,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: use the note from code."),
    )
    override_paused = forms.NullBooleanField(
        required=False, widget=InheritSelect, label=_("Paused (override)")
    )

    class Meta:
        model = HealthcheckDefinition
        fields = ("key", "name", *d.REQUEST_FIELDS, *d.MONITOR_FIELDS, *OVERRIDE_FIELDS)

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

    def clean_headers(self) -> dict[str, str]:
        value = self._keep_masked("headers", self.cleaned_data.get("headers"))
        return dict(_wrap(lambda: d.check_str_map("headers", value)))

    def clean_cookies(self) -> dict[str, str]:
        value = self._keep_masked("cookies", self.cleaned_data.get("cookies"))
        return dict(_wrap(lambda: d.check_str_map("cookies", value)))

    def clean_assertions(self) -> list[str]:
        return list(_wrap(lambda: check_assertions(self.cleaned_data.get("assertions"))))

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

    def clean_adopt(self) -> bool:
        """A new key that names someone else's monitor on Cronitor is refused unless adopted."""
        adopt = bool(self.cleaned_data.get("adopt"))
        key = self.cleaned_data.get("key")
        if key and (self.instance._state.adding or key != self.instance.key):
            from healthcheck_admin.sync.importer import refuse_foreign_key

            refusal = refuse_foreign_key(str(key), adopt=adopt)
            if refusal:
                self.add_error("key", ValidationError(refusal, code="foreign"))
        return adopt
