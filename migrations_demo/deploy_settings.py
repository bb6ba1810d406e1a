"""The demo's settings with a deploy-specific URLconf, for the multi-worker deploy tests.

``DEMO_URLCONF`` names the URLconf module (default ``demo.urls``); the deploy harness
(``tests/deploy_harness.py``) writes one per deploy from
``deploy_urls_template.render()``. ``DEMO_SYNC_TIMEOUT`` sets the API timeout in seconds
and ``DEMO_BATCH_SIZE`` the monitors per request.
"""

from __future__ import annotations

import os
from typing import Any

from demo.settings import *  # noqa: F403
from demo.settings import HEALTHCHECKS as DEMO_HEALTHCHECKS

ROOT_URLCONF = os.environ.get("DEMO_URLCONF", "demo.urls")
DEBUG = False
#: Quicker API failures than the defaults, and a batch size the concurrency test can shrink.
SYNC_OVERRIDES: dict[str, Any] = {
    "TIMEOUT": float(os.environ.get("DEMO_SYNC_TIMEOUT", "10")),
    "BACKOFF_SECONDS": 0.1,
    "BATCH_SIZE": int(os.environ.get("DEMO_BATCH_SIZE", "100")),
}
HEALTHCHECKS = {**DEMO_HEALTHCHECKS, **SYNC_OVERRIDES}
