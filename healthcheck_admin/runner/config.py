"""What a run may do: the :class:`RunConfig`, the host allow-list and the ``--base-url`` swap."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from healthcheck_admin.conf import app_settings
from healthcheck_admin.runner.guard import UnsafeURL, canonical_host, target

#: Refusal hint shared by every message about a host outside the allow-list.
ALLOW_HINT = "add it to HEALTHCHECKS['RUN_ALLOWED_HOSTS'] or pass --allow-any-host"


def normalise_host(value: str) -> str:
    """Lower-case a host name and drop a port, IPv6 brackets and a trailing dot.

    ``value`` may be a bare host (``example.com``), a host and port
    (``localhost:8000``), a URL (``https://example.com/``) or an ALLOWED_HOSTS
    pattern (``.example.com``), whose leading dot is kept.
    """
    text = value.strip().lower()
    if "://" in text:
        text = urlsplit(text).netloc.rpartition("@")[2]
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    dot = "." if text.startswith(".") else ""
    return dot + canonical_host(text.lstrip(".")) if text.strip(".") else ""


def allowed_hosts_from_settings(base_url: str | None = None) -> frozenset[str]:
    """The hosts a run may request, as host names or ``.domain`` patterns.

    - ``HEALTHCHECKS['HOSTNAME']`` and the host of ``base_url``;
    - every concrete entry of ``settings.ALLOWED_HOSTS``. ``"*"`` is skipped, and
      a subdomain pattern such as ``".example.com"`` permits ``example.com`` only:
      a wildcard in ALLOWED_HOSTS says which Host headers Django answers, not
      which machines the runner may reach;
    - ``HEALTHCHECKS['RUN_ALLOWED_HOSTS']`` as written: there a leading dot is a
      deliberate grant of the domain and all its subdomains. ``"*"`` is skipped
      there too; ``--allow-any-host`` is the one way to lift the guard.
    """
    hosts: set[str] = set()
    for entry in [app_settings.HOSTNAME or "", base_url or "", *settings.ALLOWED_HOSTS]:
        host = normalise_host(str(entry)).lstrip(".")
        if host and host != "*":
            hosts.add(host)
    for entry in app_settings.RUN_ALLOWED_HOSTS:
        host = normalise_host(entry)
        if host.strip(".") and host != "*":
            hosts.add(host)
    return frozenset(hosts)


def host_is_allowed(host: str, allowed: frozenset[str]) -> bool:
    """``host`` matches an entry exactly, or a ``.domain`` entry as the domain or a subdomain."""
    host = normalise_host(host)
    if not host:
        return False
    if host in allowed:
        return True
    return any(entry.startswith(".") and (host == entry[1:] or host.endswith(entry)) for entry in allowed)


def check_base_url(base_url: str) -> str:
    """Validate ``--base-url``: an http(s) URL with a host, without query or fragment."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"base URL {base_url!r} must be an absolute http:// or https:// URL with a host")
    if parts.query or parts.fragment:
        raise ValueError(f"base URL {base_url!r} must not have a query string or fragment")
    return base_url


def swap_base_url(url: str, base_url: str) -> str:
    """Put ``url``'s path and query under ``base_url``'s scheme, host, port and path prefix.

    >>> swap_base_url("https://example.com/api/?q=1", "http://127.0.0.1:8000/preview")
    'http://127.0.0.1:8000/preview/api/?q=1'
    """
    base = urlsplit(base_url)
    target = urlsplit(url)
    path = base.path.rstrip("/") + (target.path if target.path.startswith("/") else f"/{target.path}")
    return urlunsplit((base.scheme, base.netloc, path, target.query, ""))


@dataclass(frozen=True)
class RunConfig:
    """How to run checks.

    ``allowed_hosts`` is computed from settings when the config is made (see
    :func:`allowed_hosts_from_settings`); ``dataclasses.replace`` recomputes it.
    Invalid values raise :class:`ValueError`, which the command reports as a
    misconfiguration.
    """

    base_url: str | None = None
    in_process: bool = False
    timeout: float | None = None
    concurrency: int = 8
    allow_any_host: bool = False
    allowed_hosts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.base_url is not None:
            check_base_url(self.base_url)
            if self.in_process:
                raise ValueError(
                    f"base URL {self.base_url!r} cannot be used with an in-process run; pick one"
                )
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError(f"timeout {self.timeout!r} must be a positive number of seconds")
        if (
            isinstance(self.concurrency, bool)
            or not isinstance(self.concurrency, int)
            or self.concurrency < 1
        ):
            raise ValueError(f"concurrency {self.concurrency!r} must be a whole number of at least 1")
        object.__setattr__(self, "allowed_hosts", allowed_hosts_from_settings(self.base_url))

    def refusal(self, url: str) -> str | None:
        """Why the SSRF guard refuses ``url``, or ``None`` when it may be requested.

        The host is the one ``requests`` connects to (see :mod:`~healthcheck_admin.runner.guard`);
        a URL whose host is ambiguous is refused even with ``allow_any_host``.
        """
        try:
            host = target(url).host
        except UnsafeURL as exc:
            return str(exc)
        if self.allow_any_host or host_is_allowed(host, self.allowed_hosts):
            return None
        return f"host {host!r} is not in the runner's allow-list; {ALLOW_HINT}"
