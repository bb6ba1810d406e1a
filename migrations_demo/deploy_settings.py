"""The demo's settings with a deploy-specific URLconf, for the multi-worker deploy tests.

``DEMO_URLCONF`` names the URLconf module (default ``demo.urls``); the deploy harness
(``tests/deploy_harness.py``) writes one per deploy from
``deploy_urls_template.render()``. ``DEMO_SYNC_TIMEOUT`` sets the API timeout in seconds.
"""

from __future__ import annotations

import os

from demo.settings import *  # noqa: F403
from demo.settings import HEALTHCHECKS as DEMO_HEALTHCHECKS

ROOT_URLCONF = os.environ.get("DEMO_URLCONF", "demo.urls")
DEBUG = False
HEALTHCHECKS = {
    **DEMO_HEALTHCHECKS,
    "TIMEOUT": float(os.environ.get("DEMO_SYNC_TIMEOUT", "10")),
    "BACKOFF_SECONDS": 0.1,
}
