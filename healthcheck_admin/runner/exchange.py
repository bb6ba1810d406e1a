"""One request and its redirects, independent of how a request is sent.

Redirects are followed here, not by ``requests`` or Django's test client, so
that every hop passes the same guard as the first request: a redirect to a
host outside the allow-list is refused rather than fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urljoin, urlsplit

from healthcheck_admin.redaction import is_sensitive
from healthcheck_admin.runner.guard import Target, UnsafeURL, same_origin, target

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
_BODY_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding"})


class Stop(Exception):
    """A run ends without a response to judge: ``state`` is ``"refused"`` or ``"error"``."""

    def __init__(self, state: Literal["refused", "error"], message: str) -> None:
        super().__init__(message)
        self.state: Literal["refused", "error"] = state
        self.message = message


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes | None
    #: Where the check's own URL goes: credentials are sent only there (None: not yet known).
    origin: Target | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: str
    url: str


#: Sends one request, without following redirects; raises :class:`Stop` on failure.
Send = Callable[[Request], Reply]
#: Raises :class:`Stop` when a redirect target must not be requested.
Guard = Callable[[str], None]


def may_carry_credentials(request: Request, url: str) -> bool:
    """True when ``url`` goes to the check's own origin, judged as ``requests`` sends it.

    Two host-less URLs (an in-process run without ``HOSTNAME``) are the same site; a URL that
    cannot be judged never carries credentials.
    """
    try:
        origin = request.origin or target(request.url)
    except UnsafeURL:
        return not urlsplit(request.url).netloc and not urlsplit(url).netloc
    try:
        return same_origin(origin, target(url))
    except UnsafeURL:
        return False


def without_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if not is_sensitive(name)}


def next_request(request: Request, reply: Reply) -> Request:
    """The request a redirect asks for, as browsers and ``requests`` build it.

    A 303 (and a 301/302 answering a POST) becomes a GET without a body. When
    the redirect leaves the check's own origin (host and port, or ``https`` to ``http``, as
    ``requests`` would connect), sensitive headers (``Authorization``,
    ``Cookie``, ``X-Api-Key``, ``SENSITIVE_HEADERS``) and the check's cookies
    are not sent on.
    """
    url = urljoin(request.url, reply.headers["location"]).partition("#")[0]
    method, body, headers = request.method, request.body, dict(request.headers)
    if (reply.status == 303 and method != "HEAD") or (reply.status in {301, 302} and method == "POST"):
        method, body = "GET", None
        headers = {name: value for name, value in headers.items() if name.lower() not in _BODY_HEADERS}
    cookies = request.cookies
    if not may_carry_credentials(request, url):
        headers = without_credentials(headers)
        cookies = {}
    return replace(request, method=method, url=url, body=body, headers=headers, cookies=cookies)


def exchange(send: Send, guard: Guard, request: Request, follow_redirects: bool) -> Reply:
    """Send ``request`` and, when asked, follow up to :data:`MAX_REDIRECTS` redirects."""
    reply = send(request)
    hops = 0
    while follow_redirects and reply.status in REDIRECT_STATUSES and "location" in reply.headers:
        if hops == MAX_REDIRECTS:
            raise Stop(
                "error", f"stopped after {MAX_REDIRECTS} redirects; the last one was from {reply.url!r}"
            )
        hops += 1
        request = next_request(request, reply)
        guard(request.url)
        reply = send(request)
    return reply
