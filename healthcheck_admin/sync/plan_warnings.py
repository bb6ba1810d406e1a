"""What ``plan`` warns about: alert routing and alert noise, row by row (nothing here blocks a push).

* **No alert route**: the row's effective ``notify`` is empty, ``HEALTHCHECKS["DEFAULT_NOTIFY"]`` is
  empty, and the refresh (when there is one) shows no route set on the dashboard either. Cronitor gives
  a monitor created without ``notify`` its ``default`` list, but whether that list reaches anyone is not
  visible through the monitor API: ``DEFAULT_NOTIFY`` is where the project says so.
* **Zero tolerance behind a load balancer**: the row's host matches ``HEALTHCHECKS["LOAD_BALANCED_HOSTS"]``
  and its failure tolerance is 0 (set, or unset while Cronitor holds 0 or nothing), so one lost packet
  pages someone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from healthcheck_admin.conf import app_settings

if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition

NO_ROUTE = (
    "no alert route: notify is empty and HEALTHCHECKS['DEFAULT_NOTIFY'] is not set, so a failure may alert "
    "nobody; set notify=[...] on the check (or the notify override), or set DEFAULT_NOTIFY to the lists "
    "Cronitor's default list reaches"
)
NO_TOLERANCE = (
    "failure_tolerance is 0 on {host!r}, which answers through a load balancer "
    "(HEALTHCHECKS['LOAD_BALANCED_HOSTS']): one lost packet pages someone; set failure_tolerance=1 or more"
)
#: What Cronitor shows for a monitor created without ``notify``: not a route we can see.
IMPLICIT_NOTIFY: tuple[object, ...] = (["default"], [], None, "default")


def host_matches(host: str, pattern: str) -> bool:
    """``www.example.com`` matches itself; ``*.example.com`` matches every subdomain (not the domain)."""
    host, pattern = host.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def _host(row: HealthcheckDefinition) -> str:
    return urlsplit(row.url).hostname or app_settings.HOSTNAME or ""


def _no_route(row: HealthcheckDefinition, remote: dict[str, Any] | None) -> bool:
    if row.effective_notify or app_settings.DEFAULT_NOTIFY:
        return False
    return remote is None or remote.get("notify") in IMPLICIT_NOTIFY


def _no_tolerance(row: HealthcheckDefinition, remote: dict[str, Any] | None) -> str:
    host = _host(row)
    if not host or not any(host_matches(host, p) for p in app_settings.LOAD_BALANCED_HOSTS):
        return ""
    tolerance = row.effective_failure_tolerance
    if tolerance is None and remote is not None:
        tolerance = remote.get("failure_tolerance")  # unset here: the dashboard's value stands
    return host if not tolerance else ""


def warnings_for(row: HealthcheckDefinition, remote: dict[str, Any] | None = None) -> list[str]:
    """The warnings for one active row; ``remote`` is its refreshed document, if any."""
    found = []
    if _no_route(row, remote):
        found.append(NO_ROUTE)
    host = _no_tolerance(row, remote)
    if host:
        found.append(NO_TOLERANCE.format(host=host))
    return found
