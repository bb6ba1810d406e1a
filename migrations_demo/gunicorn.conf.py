"""Gunicorn settings for the demo: ``gunicorn -c gunicorn.conf.py`` from ``migrations_demo/``.

Every worker starts the healthcheck startup hook as soon as it has loaded the app
(``post_worker_init``), instead of waiting for its first request. The hook runs in a
daemon thread, so the worker serves at once; across all workers the upsert and the
push happen once per deploy. Environment: ``GUNICORN_BIND`` (default
``127.0.0.1:8000``) and ``GUNICORN_WORKERS`` (default 8); ``--bind``/``--workers`` on
the command line win.
"""

from __future__ import annotations

import os
from typing import Any

wsgi_app = "demo.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("GUNICORN_WORKERS", "8"))
graceful_timeout = 10
accesslog = None
errorlog = "-"
loglevel = "info"
#: gunicorn 23+ opens a control socket in ~/.gunicorn; the demo needs none (older versions ignore this).
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """Start the healthcheck startup hook in this worker (non-blocking)."""
    from healthcheck_admin.startup import run_startup_hook

    run_startup_hook()
