"""The admin form's widgets: key/value rows, one assertion a line, region checkboxes, comma lists.

Each widget posts its own sub-fields (``headers__key``/``headers__value``, ``assertions__lines``,
``regions__choice``, ``tags__csv``) and reads them back as a marked Python value for its field. When
the plain field name is posted instead (``headers='{"Accept": "text/html"}'``: scripts, the tests,
the bad-input corpus), that JSON text is used as before, so both ways are validated by the same
``clean_<field>`` of :mod:`healthcheck_admin.forms`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from healthcheck_admin.assertions import AssertionSyntaxError, parse
from healthcheck_admin.redaction import MASK, mask_field, masks_cookie, masks_header

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Rows(list[tuple[str, str]]):
    """``(name, value)`` pairs posted by :class:`KeyValueWidget`, in their order, blanks dropped."""


class Lines(list[tuple[int, str]]):
    """``(line number, text)`` of the non-blank lines posted by :class:`LinesWidget`."""


class Items(list[str]):
    """Strings posted by :class:`CommaWidget` or :class:`ChecksWidget`."""


def _parsed(value: Any) -> Any:
    """A value as the widgets render it: JSON text (``BoundField.value()``) parsed, if it parses."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _getlist(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(item) for item in data.getlist(name)]
    value = data.get(name)
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else [str(value)]


class KeyValueWidget(forms.Widget):
    """A table of name/value rows with an "Add a row" button (``healthcheck_admin/admin.js``)."""

    template_name = "healthcheck_admin/widgets/key_value.html"
    name_label = _("Name")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        if f"{name}__present" not in data:
            return None
        keys, values = _getlist(data, f"{name}__key"), _getlist(data, f"{name}__value")
        values = (values + [""] * len(keys))[: len(keys)]
        return Rows(
            (key.strip(), value) for key, value in zip(keys, values, strict=True) if key.strip() or value
        )

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__present" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        value = _parsed(value)
        rows: list[Any] = []  # JSON text posted under the plain name shows its object, if it is one
        if isinstance(value, Rows):
            rows = list(value)
        elif isinstance(value, Mapping):
            rows = [(str(key), "" if item is None else str(item)) for key, item in value.items()]
        context["widget"]["rows"] = [*rows, ("", "")]
        context["widget"]["name_label"] = self.name_label
        return context


class _TextPart(forms.Widget):
    """A text widget posted as ``<name>__<part>`` and read back by :meth:`parse_text`."""

    part = ""

    def parse_text(self, text: str) -> Any:
        raise NotImplementedError

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        text = data.get(f"{name}__{self.part}")
        return None if text is None else self.parse_text(str(text))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__{self.part}" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["name"] = f"{name}__{self.part}"
        return context


class LinesWidget(_TextPart, forms.Textarea):
    """One item a line (the assertions); the line numbers are kept for the error messages."""

    part = "lines"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 5, "class": "hc-lines", "spellcheck": "false", **(attrs or {})})

    def parse_text(self, text: str) -> Lines:
        lines = enumerate(_LINE_BREAK.split(text), start=1)
        return Lines((number, line.strip()) for number, line in lines if line.strip())

    def format_value(self, value: Any) -> str:
        value = _parsed(value)
        if isinstance(value, Lines):
            return "\n".join(text for _number, text in value)
        if isinstance(value, (list, tuple)):
            return "\n".join(str(item) for item in value)
        return "" if value is None else str(value)


class CommaWidget(_TextPart, forms.TextInput):
    """A comma-separated list of strings (tags, notify lists); empty posts ``empty``."""

    part = "csv"

    def __init__(self, attrs: dict[str, Any] | None = None, empty: Any = None) -> None:
        super().__init__({"class": "vTextField hc-wide", **(attrs or {})})
        self.empty = Items() if empty is None else empty

    def parse_text(self, text: str) -> Any:
        items = Items(item.strip() for item in text.split(",") if item.strip())
        return items or self.empty

    def format_value(self, value: Any) -> str | None:
        value = _parsed(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return None if value in (None, "") else str(value)


class ChecksWidget(forms.CheckboxSelectMultiple):
    """Checkboxes (the regions); a hidden ``<name>__present`` tells "none ticked" from "not posted"."""

    template_name = "healthcheck_admin/widgets/checks.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        if f"{name}__present" not in data:
            return None
        return Items(_getlist(data, f"{name}__choice"))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__present" not in data

    def format_value(self, value: Any) -> list[str]:
        value = _parsed(value)
        return [str(item) for item in value] if isinstance(value, (list, tuple)) else []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(f"{name}__choice", value, attrs)
        context["widget"]["present"] = f"{name}__present"
        return context


class WidgetJSONField(forms.JSONField):
    """A JSON field whose widget may post a marked Python value instead of JSON text."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, list):
            return data
        return super().bound_data(data, initial)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Rows, Lines, Items)):
            return value  # posted by a widget above: rendered back as it came
        return super().prepare_value(value)  # JSON text, as ``BoundField.value()`` always gave

    def comparable(self, value: Any) -> Any:
        return list(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if isinstance(data, list):
            return bool(self.comparable(data) != self.comparable(initial or []))
        return bool(super().has_changed(initial, data))


class KeyValueField(WidgetJSONField):
    """Headers or cookies: a JSON object, shown as rows with the sensitive values masked."""

    def __init__(self, *, masked_as: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", KeyValueWidget)
        super().__init__(**kwargs)
        self.masked_as = masked_as
        self.masks: Callable[[str, object], bool] = masks_header if masked_as == "headers" else masks_cookie

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Rows):  # posted back: what was typed is masked as a stored value would be
            return Rows((key, MASK if self.masks(key, item) else item) for key, item in value)
        return super().prepare_value(mask_field(self.masked_as, value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        if isinstance(data, Rows):
            return bool(dict(data) != mask_field(self.masked_as, initial or {}))
        return bool(super().has_changed(initial, data))


class LinesField(WidgetJSONField):
    def comparable(self, value: Any) -> Any:
        return [item[1] if isinstance(value, Lines) else item for item in value]


def rows_to_dict(what: str, rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The rows as a dict; every row without a name and every repeated name is an error, all at once."""
    result: dict[str, str] = {}
    errors: list[ValidationError] = []
    for number, (key, value) in enumerate(rows, start=1):
        if not key:
            errors.append(
                ValidationError(
                    _("Row %(row)d: a value without a %(what)s name; type the name or clear the value."),
                    code="invalid",
                    params={"row": number, "what": what},
                )
            )
        elif key in result:
            errors.append(
                ValidationError(
                    _("Row %(row)d: %(what)s %(name)r is already in an earlier row; keep one."),
                    code="invalid",
                    params={"row": number, "what": what, "name": key},
                )
            )
        else:
            result[key] = value
    if errors:
        raise ValidationError(errors)
    return result


def check_lines(lines: Lines) -> list[str]:
    """Parse each line with the assertion grammar; one error per bad line, naming its number."""
    errors = []
    for number, text in lines:
        try:
            parse(text)
        except AssertionSyntaxError as exc:
            errors.append(
                ValidationError(
                    _("Line %(line)d: %(error)s"), code="invalid", params={"line": number, "error": str(exc)}
                )
            )
    if errors:
        raise ValidationError(errors)
    return [text for _number, text in lines]
