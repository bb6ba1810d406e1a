"""Sending a check's request through Django's test :class:`~django.test.Client`.

No server and no network: the request goes straight to this project's URLconf,
views and middleware. Choices made here:

- The ``Host`` header is the check URL's host (and port) when ``ALLOWED_HOSTS``
  accepts it, so host-dependent code sees what Cronitor would send. Otherwise
  (or when the URL has no host because ``HOSTNAME`` is unset) it is the first
  host ``ALLOWED_HOSTS`` accepts (``testserver`` when it holds only ``"*"``), so
  that the check exercises the view rather than Django's ``DisallowedHost`` 400.
- ``https://`` URLs are sent with ``secure=True``.
- A view that raises becomes a 500 response, as it would for Cronitor.
- The client's cookie jar is emptied before each check and restored after it:
  a check sends only its own cookies, as Cronitor's anonymous requests do.
- A redirect to another host is followed in-process only when ``ALLOWED_HOSTS``
  accepts that host (it is this project); otherwise the check ends in error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBase
from django.http.request import validate_host
from django.test import Client
from requests.structures import CaseInsensitiveDict

from healthcheck_admin.runner.exchange import Reply, Request, Stop
from healthcheck_admin.runner.http import MAX_BODY_BYTES, decode

_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]
_DROPPED_HEADERS = frozenset({"content-length", "host"})


def django_allowed_hosts() -> list[str]:
    """``ALLOWED_HOSTS`` as ``HttpRequest.get_host()`` applies it (DEBUG adds local hosts)."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        return list(_DEBUG_HOSTS)
    return allowed


def django_serves(host: str) -> bool:
    """Whether Django would accept ``host`` (a hostname, without port) in a Host header."""
    return bool(host) and validate_host(host, django_allowed_hosts())


def host_header(url: str) -> str:
    """The Host header for an in-process request to ``url`` (see the module docstring)."""
    parts = urlsplit(url)
    if parts.hostname and django_serves(parts.hostname):
        return parts.netloc.rpartition("@")[2]
    entries = django_allowed_hosts()
    for entry in entries:
        candidate = entry.lstrip(".")
        if candidate and candidate != "*" and django_serves(candidate):
            return candidate
    if "*" in entries:
        return "testserver"  # any name is served; the test client's own
    raise Stop(
        "error",
        f"ALLOWED_HOSTS {settings.ALLOWED_HOSTS!r} accepts no host name this run can send, so Django "
        "would answer 400; add the check's host to ALLOWED_HOSTS",
    )


def in_process_guard(url: str) -> None:
    """Redirects may go anywhere this project serves, and nowhere else."""
    host = urlsplit(url).hostname
    if host and not django_serves(host):
        raise Stop(
            "error",
            f"redirect to {url!r} leaves this project; an in-process run cannot follow it "
            "(run against a server with --base-url instead)",
        )


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        data = b""
        try:
            for chunk in response.streaming_content:  # type: ignore[attr-defined]
                data += chunk
                if len(data) >= MAX_BODY_BYTES:
                    break
        finally:
            _end_stream(response)
        return data[:MAX_BODY_BYTES]
    return bytes(response.content)[:MAX_BODY_BYTES]  # type: ignore[attr-defined]


def _end_stream(response: HttpResponseBase) -> None:
    """End a stream read only in part now, as a server would, not whenever the garbage collector runs.

    The test client wraps a streamed body in a generator that closes the response when the
    stream ends, sending ``request_finished`` once without closing the test's database
    connection. Left suspended at the body limit, that generator sits in a reference cycle with
    the response, so only the cyclic collector would finalise it, in the middle of some later
    request. Closing it here ends the stream, runs the view's own ``finally`` blocks, and keeps
    the test client's rule for the connection.
    """
    close = getattr(getattr(response, "_iterator", None), "close", None)  # the client's closing wrapper
    if close is not None:
        close()


def send_in_process(client: Client, request: Request) -> Reply:
    """Send one request through ``client``, without following redirects."""
    parts = urlsplit(request.url)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED_HEADERS}
    headers["Host"] = host_header(request.url)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    for name, value in request.cookies.items():
        client.cookies[name] = value
    response = client.generic(
        request.method,
        f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/",
        data=request.body or b"",
        content_type=content_type or "application/octet-stream",
        secure=parts.scheme == "https",
        headers=headers,
    )
    data = b"" if request.method == "HEAD" else _body(response)
    reply_headers = CaseInsensitiveDict(dict(response.items()))
    return Reply(
        response.status_code, reply_headers, decode(data, reply_headers.get("content-type", "")), request.url
    )


@contextmanager
def own_cookies(client: Client) -> Iterator[Client]:
    """Give ``client`` an empty cookie jar for one check, and restore its own afterwards."""
    saved = client.cookies
    client.cookies = SimpleCookie()
    try:
        yield client
    finally:
        client.cookies = saved


def new_client() -> Client:
    """A client that turns a view's exception into the 500 response a server would send."""
    return Client(raise_request_exception=False)
