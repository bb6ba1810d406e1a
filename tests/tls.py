"""A self-signed certificate and a server TLS context, for the runner's HTTPS tests."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path


def make_self_signed(directory: Path, days: int = 30) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` made with the openssl command line."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the openssl command is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subject = ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-days", str(days), "-nodes", *subject],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
