"""Declare Cronitor healthchecks beside your routes, manage them in the Django admin.

The public names are imported lazily (PEP 562), so that importing a submodule that needs no Django,
such as :mod:`healthcheck_admin.testing.emulator` or :mod:`healthcheck_admin.declarations`, does not
load ``django.urls`` and the ORM behind it. To add a public name, add it to ``_EXPORTS``, ``__all__``
and the ``TYPE_CHECKING`` block.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healthcheck_admin.declarations import Healthcheck
    from healthcheck_admin.limits import HealthcheckError
    from healthcheck_admin.routing import path, put, re_path, url
    from healthcheck_admin.variants import Variant

__version__ = "0.1.0"

_EXPORTS = {
    "Healthcheck": "healthcheck_admin.declarations",
    "HealthcheckError": "healthcheck_admin.limits",
    "path": "healthcheck_admin.routing",
    "put": "healthcheck_admin.routing",
    "re_path": "healthcheck_admin.routing",
    "url": "healthcheck_admin.routing",
    "Variant": "healthcheck_admin.variants",
}

__all__ = ["Healthcheck", "HealthcheckError", "Variant", "__version__", "path", "put", "re_path", "url"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
