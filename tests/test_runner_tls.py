"""The runner's DER walker (runner/tls.py) on certificates built byte by byte: times, lengths, damage."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from healthcheck_admin.runner.tls import CertificateError, not_after

SEQUENCE, INTEGER, UTC_TIME, GENERALIZED_TIME, VERSION = 0x30, 0x02, 0x17, 0x18, 0xA0


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element, in the long length form once the content is over 127 bytes."""
    if len(content) < 0x80:
        return bytes([tag, len(content)]) + content
    size = (len(content).bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + len(content).to_bytes(size, "big") + content


def certificate(after: bytes, *, tag: int = UTC_TIME, version: bool = True, issuer: bytes = b"CN=x") -> bytes:
    """A certificate shaped as X.509 is, down to the validity; ``after`` is the notAfter text."""
    validity = tlv(SEQUENCE, tlv(UTC_TIME, b"200101000000Z") + tlv(tag, after))
    fields = [tlv(INTEGER, b"\x01"), tlv(SEQUENCE, b"sig"), tlv(SEQUENCE, issuer), validity]
    if version:
        fields.insert(0, tlv(VERSION, tlv(INTEGER, b"\x02")))
    return tlv(SEQUENCE, tlv(SEQUENCE, b"".join(fields)) + tlv(SEQUENCE, b"algorithm"))


@pytest.mark.parametrize(
    ("after", "tag", "expected"),
    [
        (b"491231235959Z", UTC_TIME, datetime(2049, 12, 31, 23, 59, 59)),
        (b"500101000000Z", UTC_TIME, datetime(1950, 1, 1)),
        (b"21060207062815Z", GENERALIZED_TIME, datetime(2106, 2, 7, 6, 28, 15)),
    ],
    ids=["utc-time-2049", "utc-time-1950", "generalized-time"],
)
def test_not_after_reads_both_time_forms_and_the_utc_time_century(after, tag, expected):
    assert not_after(certificate(after, tag=tag)) == expected.replace(tzinfo=timezone.utc)


def test_a_certificate_without_the_explicit_version_is_read_too():
    assert not_after(certificate(b"300615120000Z", version=False)) == datetime(
        2030, 6, 15, 12, tzinfo=timezone.utc
    )


def test_long_form_lengths_are_followed():
    der = certificate(b"300615120000Z", issuer=b"CN=" + b"x" * 300)
    assert der[1] == 0x82  # the outer length takes two bytes
    assert not_after(der).year == 2030


@pytest.mark.parametrize(
    ("der", "fragment"),
    [
        (b"\x30", "truncated DER element at offset 0"),
        (b"\x30\x80\x00", "unsupported DER length at offset 2"),
        (b"\x30\x85" + b"\x00" * 8, "unsupported DER length at offset 2"),
        (b"\x30\x82\x01", "unsupported DER length at offset 2"),
        (b"\x30\x05\x00", "runs past the end"),
        (certificate(b"300615120000Z", tag=INTEGER), "expected a UTCTime or GeneralizedTime, got tag 0x2"),
        (certificate(b"301315120000Z"), "unreadable certificate time '20301315120000Z'"),
    ],
    ids=[
        "truncated",
        "indefinite-length",
        "length-over-4-bytes",
        "length-bytes-missing",
        "past-the-end",
        "not-a-time",
        "month-13",
    ],
)
def test_damaged_certificates_raise_a_certificate_error_saying_where(der, fragment):
    with pytest.raises(CertificateError) as caught:
        not_after(der)
    assert fragment in str(caught.value)
