"""Which account a row's sync bookkeeping belongs to, and who may overwrite it.

An account is ``"<backend>:<digest>"``, where the digest is a short SHA-256 of the backend's
dotted path, its API URL and a SHA-256 of its API key (never the key itself, not even a
prefix). Backends that talk to no real Cronitor account (console, locmem, dummy) get
``"local:<backend>:<digest>"``.

The rule:

* A row whose ``account`` differs from the current one is pending: ``plan`` shows it and
  ``push`` sends it, with no ``--all``. Its monitor code is not trusted for this account.
* A local backend never overwrites bookkeeping recorded for a real account: such rows are
  sent (the console prints them) but their columns are left as they are.
* The console and dummy backends never store a monitor code (theirs are stand-ins), so no
  made-up code can later look like a real one.
"""

from __future__ import annotations

import hashlib

from healthcheck_admin.backends.base import BaseBackend
from healthcheck_admin.conf import app_settings

LOCAL_PREFIX = "local:"
MAX_LENGTH = 64


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def account_for(backend: BaseBackend) -> str:
    """The non-secret identity of ``backend``'s account, at most 64 characters."""
    klass = type(backend)
    dotted = f"{klass.__module__}.{klass.__qualname__}"
    url = str(getattr(backend, "api_url", "") or app_settings.API_URL)
    key = str(getattr(backend, "api_key", "") or "")
    key_print = _digest(key) if key else ""
    label = klass.__name__.lower().removesuffix("backend")[:20] or "backend"
    prefix = "" if backend.real_account else LOCAL_PREFIX
    return f"{prefix}{label}:{_digest(dotted, url, key_print)[:16]}"[:MAX_LENGTH]


def is_real(account: str) -> bool:
    """Whether ``account`` names a real Cronitor account (not empty, not local)."""
    return bool(account) and not account.startswith(LOCAL_PREFIX)


def may_record(backend: BaseBackend, current: str, recorded: str) -> bool:
    """Whether a push through ``backend`` may write over bookkeeping recorded for ``recorded``."""
    return backend.real_account or not is_real(recorded) or recorded == current
