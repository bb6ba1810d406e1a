"""The expiry of a server's TLS certificate, with the standard library only.

``SSLSocket.getpeercert()`` returns the parsed certificate only when it was
verified; a check with ``verify_ssl=False`` still needs the expiry. So the
runner opens its own TLS connection without verification, takes the
certificate in DER form (``getpeercert(binary_form=True)``, always available)
and reads ``tbsCertificate.validity.notAfter`` with the small DER walker below.
The layout it walks is fixed by RFC 5280 §4.1, so no ASN.1 library is needed.
"""

from __future__ import annotations

import socket
import ssl
from datetime import datetime, timezone

_UTC_TIME = 0x17
_GENERALIZED_TIME = 0x18
_EXPLICIT_VERSION = 0xA0


class CertificateError(ValueError):
    """The bytes are not a DER certificate this module can read."""


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """The tag, content start and content end of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise CertificateError(f"truncated DER element at offset {pos}")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        size = length & 0x7F
        if size == 0 or size > 4 or pos + size > len(data):
            raise CertificateError(f"unsupported DER length at offset {pos}")
        length = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    if pos + length > len(data):
        raise CertificateError(f"DER element at offset {pos} runs past the end")
    return tag, pos, pos + length


def _parse_time(tag: int, text: str) -> datetime:
    if tag == _UTC_TIME:
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif tag != _GENERALIZED_TIME:
        raise CertificateError(f"expected a UTCTime or GeneralizedTime, got tag {tag:#x}")
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise CertificateError(f"unreadable certificate time {text!r}") from None


def not_after(der: bytes) -> datetime:
    """The ``notAfter`` instant of a DER-encoded X.509 certificate."""
    _, cert_start, _ = _tlv(der, 0)
    _, pos, _ = _tlv(der, cert_start)  # tbsCertificate
    tag, _, end = _tlv(der, pos)
    if tag == _EXPLICIT_VERSION:
        pos = end
    for _field in ("serialNumber", "signature", "issuer"):
        _, _, pos = _tlv(der, pos)
    _, validity, _ = _tlv(der, pos)
    _, _, after_not_before = _tlv(der, validity)
    tag, start, end = _tlv(der, after_not_before)
    return _parse_time(tag, der[start:end].decode("ascii", errors="replace"))


def fetch_certificate(host: str, port: int, timeout: float) -> bytes:
    """The DER certificate ``host:port`` presents, read without verifying it."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise CertificateError(f"{host}:{port} presented no certificate")
    return der


def seconds_until_expiry(host: str, port: int, timeout: float, now: datetime | None = None) -> float:
    """Seconds until the certificate of ``host:port`` expires (negative once expired)."""
    expires = not_after(fetch_certificate(host, port, timeout))
    return (expires - (now or datetime.now(timezone.utc))).total_seconds()
