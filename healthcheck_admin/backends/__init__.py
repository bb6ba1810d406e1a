"""Backends that send monitors somewhere: Cronitor, the console, memory, or nowhere.

``HEALTHCHECKS["BACKEND"]`` is a dotted path, resolved each time :func:`get_backend` runs,
in the shape of Django's ``EMAIL_BACKEND`` and ``get_connection()``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from healthcheck_admin.backends.base import BaseBackend, BatchResult, CronitorError
from healthcheck_admin.conf import app_settings

__all__ = ["BaseBackend", "BatchResult", "CronitorError", "get_backend"]


def get_backend(path: str | None = None, **kwargs: Any) -> BaseBackend:
    """An instance of the backend at ``path`` (default: ``HEALTHCHECKS["BACKEND"]``)."""
    dotted = path or app_settings.BACKEND
    try:
        klass = import_string(dotted)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"HEALTHCHECKS['BACKEND'] {dotted!r} cannot be imported ({exc}); use a dotted path such as "
            "'healthcheck_admin.backends.cronitor.CronitorBackend'"
        ) from None
    if not (isinstance(klass, type) and issubclass(klass, BaseBackend)):
        raise ImproperlyConfigured(
            f"HEALTHCHECKS['BACKEND'] {dotted!r} is not a BaseBackend subclass; "
            "subclass healthcheck_admin.backends.base.BaseBackend"
        )
    backend: BaseBackend = klass(**kwargs)
    return backend
