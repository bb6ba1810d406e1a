"""Which machine a URL really reaches, judged on the URL ``requests`` will send.

``urllib.parse`` and urllib3 read some URLs differently: in ``http://a\\@b/`` the standard library
sees the host ``b``, urllib3 (and so ``requests``) connects to ``a``. The allow-list and the "same
origin" rule for credentials must therefore look at the URL as ``requests`` prepares it and as
urllib3 parses it to open the connection, and refuse what the two parsers disagree on.

:func:`target` returns that host and port, or raises :class:`UnsafeURL` for a URL whose spelling is
ambiguous: a backslash or control character in the authority, credentials in the URL
(``user:pass@``), a percent-encoded host, an IPv4 address in a non-dotted-quad spelling
(``2130706433``, ``0x7f.1``, ``0177.0.0.1``), or hosts the two parsers read differently.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

_DEFAULT_PORTS = {"http": 80, "https": 443}
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class UnsafeURL(ValueError):
    """A URL the runner will not send, because where it goes is ambiguous."""


@dataclass(frozen=True)
class Target:
    """Where a prepared URL connects: ``scheme``, canonical ``host`` (no brackets) and ``port``."""

    scheme: str
    host: str
    port: int
    url: str


def canonical_host(host: str) -> str:
    """Lower-case, no brackets or trailing dot, IP addresses in their standard form, IDNA-encoded."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.rstrip(".")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            return text
    return text


def _odd_ipv4(host: str) -> bool:
    """A host that resolvers read as an IPv4 address but is not written as a dotted quad."""
    labels = host.split(".")
    if not all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        return False
    try:
        return str(ipaddress.IPv4Address(host)) != host
    except ValueError:
        return True


def _authority(url: str) -> str:
    """The text between ``//`` and the first ``/``, ``?``, ``#`` or backslash-free end."""
    _, sep, rest = url.partition("//")
    if not sep:
        return ""
    return re.split(r"[/?#]", rest, maxsplit=1)[0]


def target(url: str) -> Target:
    """The host and port ``requests`` would connect to for ``url``; raises :class:`UnsafeURL`."""
    authority = _authority(url)
    if "\\" in authority:
        raise UnsafeURL(f"URL {url!r} has a backslash in its host part, which parsers read differently")
    if _CONTROL.search(url):
        raise UnsafeURL(f"URL {url!r} contains whitespace or a control character; percent-encode it")
    if "@" in authority:
        raise UnsafeURL(
            f"URL {url!r} carries credentials (user@host); send them in a header such as "
            "Authorization: env:NAME instead"
        )
    try:
        prepared = requests.Request("GET", url).prepare().url or ""
        sent = parse_url(prepared)
        ours = urlsplit(prepared)
        ours_port = ours.port
    except (requests.RequestException, LocationParseError, ValueError, UnicodeError) as exc:
        raise UnsafeURL(f"URL {url!r} cannot be parsed ({type(exc).__name__}); fix the URL") from None
    scheme = (sent.scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or not sent.host:
        raise UnsafeURL(f"URL {url!r} is not an absolute http(s) URL")
    if sent.auth or "%" in sent.host:
        raise UnsafeURL(f"URL {url!r} has credentials or percent-encoding in its host; fix the URL")
    host = canonical_host(sent.host)
    port = sent.port or _DEFAULT_PORTS[scheme]
    if canonical_host(ours.hostname or "") != host or (ours_port or _DEFAULT_PORTS[scheme]) != port:
        raise UnsafeURL(f"URL {url!r} is read as two different hosts by different parsers")
    if _odd_ipv4(host):
        raise UnsafeURL(f"URL {url!r} spells an IPv4 address unusually; write it as a dotted quad")
    return Target(scheme=scheme, host=host, port=port, url=prepared)


def same_origin(origin: Target, other: Target) -> bool:
    """True when credentials meant for ``origin`` may go to ``other``: same host and port, no downgrade."""
    if origin.host != other.host or origin.port != other.port:
        return False
    return not (origin.scheme == "https" and other.scheme != "https")
