"""The startup hook: once per process, off the request path, once per deploy across workers."""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.sql import emit_post_migrate_signal
from django.core.signals import request_finished, request_started
from django.test import Client
from django.test.utils import _TestState

from healthcheck_admin import startup
from healthcheck_admin.models import HealthcheckDefinition, RegistryState
from healthcheck_admin.startup import PUSH_DUE, StartupOutcome, run_startup_hook
from healthcheck_admin.sync.report import PushReport
from tests.utils import settled

HOOK_LINE = "Healthcheck startup hook:"


@pytest.fixture(autouse=True)
def _fresh_process():
    with settled(startup.reset, startup.wait_for_startup, "the startup hook"):
        yield


@pytest.fixture
def outside_tests(monkeypatch):
    """Make the hook's guard see a server process, not a test run (pytest-django set one up)."""
    monkeypatch.delattr(_TestState, "saved_data")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def server():
    """Django's WSGI handler behind a real threaded HTTP server on loopback, as in production."""
    httpd = make_server("127.0.0.1", 0, WSGIHandler(), ThreadingWSGIServer, QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def get(base: str, path: str) -> int:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        response.read()
        return int(response.status)


def new_deploy() -> None:
    """The declared set differs from what the database last saw (as after a code change)."""
    RegistryState.objects.all().delete()


def code_keys() -> set[str]:
    return set(HealthcheckDefinition.objects.code().active().values_list("key", flat=True))


def start() -> StartupOutcome:
    """One process start, run synchronously."""
    outcome = run_startup_hook(wait=True)
    assert outcome is not None
    return outcome


def upsert_skipped(outcome: StartupOutcome) -> bool:
    assert outcome.upsert is not None, outcome.error
    return outcome.upsert.skipped


def pushed(outcome: StartupOutcome | None) -> PushReport:
    assert outcome is not None
    assert outcome.push is not None, "nothing was pushed"
    return outcome.push


def hook_runs(caplog) -> int:
    return sum(1 for r in caplog.records if r.getMessage().startswith(HOOK_LINE))


# -- what one start does ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_start_upserts_and_pushes_every_code_check(startup_api):
    new_deploy()
    outcome = start()
    assert outcome.error is None
    assert not upsert_skipped(outcome)
    assert pushed(outcome).ok
    assert code_keys()
    assert set(startup_api.monitors) == code_keys()
    assert set(HealthcheckDefinition.objects.code().values_list("status", flat=True)) == {"synced"}


@pytest.mark.django_db
def test_later_starts_with_nothing_changed_send_nothing(startup_api):
    new_deploy()
    start()
    startup_api.reset()
    for _ in range(8):  # eight workers of the same deploy
        outcome = start()
        assert upsert_skipped(outcome)
        assert outcome.push is None
    assert startup_api.requests == []


@pytest.mark.django_db
def test_the_push_due_mark_left_by_migrate_is_pushed_by_one_start_only(startup_api):
    HealthcheckDefinition.objects.code().update(spec_fingerprint="stale")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])
    assert RegistryState.objects.filter(name=PUSH_DUE).exists()
    assert startup_api.requests == [], "migrate must not call the API"
    first = start()
    assert upsert_skipped(first)  # post_migrate did the upsert already
    assert pushed(first).ok
    assert set(startup_api.monitors) == code_keys()
    startup_api.reset()
    second = start()
    assert second.push is None
    assert startup_api.requests == []


@pytest.mark.django_db
def test_sync_on_startup_false_upserts_without_pushing(cronitor_settings, settings):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_STARTUP": False}
    new_deploy()
    RegistryState.objects.update_or_create(name=PUSH_DUE, defaults={"value": "1"})
    outcome = start()
    assert not upsert_skipped(outcome)
    assert outcome.push is None
    assert cronitor_settings.requests == []
    assert RegistryState.objects.filter(name=PUSH_DUE).exists(), "the mark waits for a process that pushes"


# -- errors are logged, never raised ---------------------------------------------------------------


@pytest.mark.django_db
def test_api_down_is_logged_and_the_push_stays_due(startup_api, caplog):
    startup_api.set_down(True)
    new_deploy()
    with caplog.at_level(logging.INFO):
        outcome = start()
    assert outcome.error is None
    assert not pushed(outcome).ok
    assert RegistryState.objects.filter(name=PUSH_DUE).exists(), "a later start retries"
    assert set(HealthcheckDefinition.objects.code().values_list("status", flat=True)) == {"failed"}
    assert startup_api.api_key not in caplog.text
    startup_api.set_down(False)
    # The other workers of the same deploy start within seconds: they leave the retry alone.
    requests_before = len(startup_api.requests)
    assert start().push is None
    assert len(startup_api.requests) == requests_before
    # A start after RETRY_FAILED_PUSH_AFTER retries (the mark's not-before moved into the past).
    RegistryState.objects.filter(name=PUSH_DUE).update(value="000000000000")
    retried = start()
    assert pushed(retried).ok
    assert set(startup_api.monitors) == code_keys()


@pytest.mark.django_db
def test_a_broken_urlconf_is_logged_not_raised(startup_api, settings, caplog):
    settings.ROOT_URLCONF = "tests.urlconfs.does_not_exist"
    with caplog.at_level(logging.ERROR, logger="healthcheck_admin.startup"):
        outcome = start()
    assert outcome.error is not None
    assert "ModuleNotFoundError" in outcome.error
    assert outcome.summary() == f"failed: {outcome.error}"
    assert "Healthcheck startup hook failed" in caplog.text
    assert startup_api.requests == []


# -- when it runs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_never_under_tests(startup_api, caplog):
    caplog.set_level(logging.INFO, logger="healthcheck_admin.startup")
    new_deploy()
    response = Client().get("/")
    assert response.status_code == 200
    assert startup.wait_for_startup(timeout=10)
    assert startup.last_outcome is None
    assert hook_runs(caplog) == 0
    assert startup_api.requests == []


@pytest.mark.django_db
def test_requests_of_the_test_client_never_start_it(startup_api, outside_tests, caplog):
    """E.g. ``healthchecks run --in-process`` serves the checks through Django's test Client."""
    caplog.set_level(logging.INFO, logger="healthcheck_admin.startup")
    new_deploy()
    assert Client().get("/").status_code == 200
    assert startup.wait_for_startup(timeout=10)
    assert hook_runs(caplog) == 0
    assert startup_api.requests == []


@pytest.mark.django_db(transaction=True)
def test_runs_once_per_process_with_many_concurrent_first_requests(
    startup_api, outside_tests, server, caplog
):
    caplog.set_level(logging.INFO, logger="healthcheck_admin.startup")
    new_deploy()
    barrier = threading.Barrier(16)
    statuses = []

    def first_request():
        barrier.wait()
        statuses.append(get(server, "/"))

    threads = [threading.Thread(target=first_request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 16
    assert startup.wait_for_startup(timeout=30)
    assert get(server, "/tos/") == 200
    assert startup.wait_for_startup(timeout=30)
    assert hook_runs(caplog) == 1
    assert pushed(startup.last_outcome).ok
    assert len(startup_api.monitor_puts()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_hook_waits_for_the_first_request_to_finish(startup_api, outside_tests):
    new_deploy()
    request_started.send(sender=WSGIHandler, environ={})
    time.sleep(0.5)  # the request is still being served
    assert startup.last_outcome is None
    assert startup_api.requests == []
    request_finished.send(sender=WSGIHandler)
    assert startup.wait_for_startup(timeout=30)
    assert pushed(startup.last_outcome).ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["slow", "down"])
def test_a_slow_or_unreachable_api_never_delays_a_request(startup_api, outside_tests, server, fault, caplog):
    caplog.set_level(logging.INFO, logger="healthcheck_admin.startup")
    if fault == "slow":
        startup_api.set_latency(3.0)
    else:
        startup_api.set_down(True)
    new_deploy()
    started = time.monotonic()
    assert get(server, "/") == 200
    first = time.monotonic() - started
    assert first < 1.0, f"the first request took {first:.2f} s"
    started = time.monotonic()
    assert get(server, "/tos/") == 200
    assert time.monotonic() - started < 1.0
    assert startup.wait_for_startup(timeout=30)
    assert hook_runs(caplog) == 1
    assert startup_api.requests, "the hook never reached the API"
    if fault == "slow":
        assert set(startup_api.monitors) == code_keys()


@pytest.mark.django_db(transaction=True)
def test_run_startup_hook_returns_at_once_and_counts_as_the_start(startup_api, outside_tests, server, caplog):
    caplog.set_level(logging.INFO, logger="healthcheck_admin.startup")
    startup_api.set_latency(3.0)
    new_deploy()
    started = time.monotonic()
    assert run_startup_hook() is None  # gunicorn's post_worker_init
    assert time.monotonic() - started < 0.5
    assert get(server, "/") == 200
    assert startup.wait_for_startup(timeout=30)
    assert hook_runs(caplog) == 1
