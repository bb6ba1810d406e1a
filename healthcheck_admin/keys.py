"""Monitor keys for code-defined checks.

The default key comes from the environment, the route name (with its namespaces),
the method when it is not GET, and the reverse arguments. It never uses the URL path
or the host, so moving a path keeps its monitor. ``KEY_STRATEGY = "legacy"`` derives
keys as ``django_auto_healthchecks`` did, so that its monitors are updated, not duplicated.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from healthcheck_admin.conf import app_settings

MAX_KEY = 100
_UNSAFE = re.compile(r"[^a-z0-9_.:-]+")


@functools.lru_cache(maxsize=4096)
def _slug(value: str) -> str:
    return _UNSAFE.sub("-", value.lower()).strip("-")


def default_key(
    route: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any], *, environment: str | None = None
) -> str:
    """E.g. ``production.shop:item.7`` or ``staging.leads-detail.put.lead-12345``."""
    parts = [app_settings.ENVIRONMENT if environment is None else environment, route]
    if method != "GET":
        parts.append(method)
    if args:
        parts.extend(map(str, args))
    if kwargs:
        parts.extend(f"{name}-{kwargs[name]}" for name in sorted(kwargs))
    key = ".".join(filter(None, map(_slug, parts)))
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{key[: MAX_KEY - 11]}-{digest}"


def legacy_key(method: str, hostname: str, path: str) -> str:
    """The key ``django_auto_healthchecks`` 0.1.5 gave: a hash of DEBUG, method, host and path.

    The seed computed ``sha1(env + "METHOD host/path")``, base64-encoded it, kept 12
    characters and dropped ``+`` and ``/``; ``env`` was ``dev`` when DEBUG was on.
    """
    env = "dev" if settings.DEBUG else "prod"
    signature = hashlib.sha1(f"{env}{method} {hostname}{path}".encode(), usedforsecurity=False).digest()
    return base64.b64encode(signature)[:12].decode().replace("+", "").replace("/", "")


@dataclass(frozen=True)
class KeyMaker:
    """Derives keys with the settings read once (the registry derives thousands at a time)."""

    strategy: str
    environment: str
    hostname: str

    @classmethod
    def from_settings(cls) -> KeyMaker:
        return cls(app_settings.KEY_STRATEGY, app_settings.ENVIRONMENT, app_settings.HOSTNAME or "")

    def __call__(
        self, route: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any], path: str
    ) -> str:
        if self.strategy == "legacy":
            return legacy_key(method, self.hostname, path)
        if method == "GET" and not args and not kwargs:  # the common case, without the general join
            environment, name = _slug(self.environment), _slug(route)
            key = f"{environment}.{name}" if environment and name else environment or name
            if len(key) <= MAX_KEY:
                return key
        return default_key(route, method, args, kwargs, environment=self.environment)


def slug(value: str) -> str:
    """``value`` as key characters: lower case, runs of anything else as one ``-``."""
    return _slug(value)


def variant_key(base: str, name: str) -> str:
    """The key of variant ``name`` of the check keyed ``base``: ``<base>-<slug of name>``.

    It depends on nothing but those two, so adding or removing another variant keeps it.
    """
    key = f"{base}-{_slug(name)}" if _slug(name) else base
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{key[: MAX_KEY - 11]}-{digest}"
