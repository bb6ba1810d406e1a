"""Cheap change tracking for the registry model: django-model-utils' ``FieldTracker``, made O(1) per access.

``FieldTracker`` wraps each tracked field's descriptor; every read or write of a tracked field
asks ``Model.get_deferred_fields()``, which Django builds by walking every concrete field (46
here), and every load deep-copies the 23 tracked values with :func:`copy.deepcopy`. At 10,000
rows that was two thirds of a ``plan``. :class:`TrackedModel` answers the common case (nothing
deferred or not) with one set difference, and :class:`Tracker` copies the JSON values that the
columns hold with a copy made for them. Both return exactly what the originals return, so
``tracker.changed()``, ``has_changed()`` and ``previous()`` behave as model-utils documents,
deferred fields (``only()``/``defer()``) included.
"""

from __future__ import annotations

from typing import Any

from model_utils import FieldTracker
from model_utils.models import TimeStampedModel
from model_utils.tracker import FieldInstanceTracker, lightweight_deepcopy

_ATOMIC = (str, int, float, bool, type(None))


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON-shaped value (dicts, lists, atoms); anything else as model-utils copies it."""
    if isinstance(value, _ATOMIC):
        return value
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return lightweight_deepcopy(value)


class TrackerInstance(FieldInstanceTracker):
    def set_saved_fields(self, fields: Any = None) -> None:
        if not self.instance.pk:
            self.saved_data = {}
        elif fields is None:
            self.saved_data = {name: json_copy(value) for name, value in self.current().items()}
        else:
            self.saved_data.update({name: json_copy(value) for name, value in self.current(fields).items()})


class Tracker(FieldTracker):
    """``FieldTracker`` whose snapshot of the loaded values is a JSON-aware copy."""

    tracker_class = TrackerInstance


class TrackedModel(TimeStampedModel):
    """``TimeStampedModel`` whose ``get_deferred_fields()`` is one set difference, not a walk of the fields.

    The same set as Django's (each concrete field's ``attname`` missing from ``__dict__``).
    """

    class Meta:
        abstract = True

    def get_deferred_fields(self) -> set[str]:
        attnames: frozenset[str] | None = type(self).__dict__.get("_concrete_attnames")
        if attnames is None:
            attnames = frozenset(field.attname for field in self._meta.concrete_fields)
            type(self)._concrete_attnames = attnames  # type: ignore[attr-defined]
        return set(attnames.difference(self.__dict__))
