"""The one HTTP seam: total deadlines, redirects from the API, retries that stop on permanent errors,
one User-Agent and one wording for the backend and the runner. Real servers on loopback throughout."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest

from healthcheck_admin.backends.base import CronitorError
from healthcheck_admin.backends.cronitor import CronitorBackend
from healthcheck_admin.backends.http import status_error
from healthcheck_admin.runner.exchange import Request
from healthcheck_admin.runner.http import send_http
from healthcheck_admin.transport import new_session, user_agent
from tests.servers import counting_listeners, serve, trickling_server
from tests.sync_utils import healthchecks
from tests.utils import run_row, unsaved_row

#: Far beyond any deadline used here and far below "for ever": a trickle without a deadline never ends.
WALL_LIMIT = 30.0
MONITOR = {"key": "t-one", "type": "check", "request": {"url": "https://example.com/"}}


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    healthchecks(settings, RUN_ALLOWED_HOSTS=["127.0.0.1"])


@pytest.mark.parametrize("phase", ["body", "headers"])
def test_a_trickling_check_reply_ends_at_the_deadline(phase: str, loopback_allowed: None) -> None:
    with trickling_server(0.1, headers=phase == "headers") as (url, hung_up):
        started = time.monotonic()
        result = run_row(unsaved_row(f"{url}/slow"), timeout=1)
        elapsed = time.monotonic() - started
        assert hung_up.wait(WALL_LIMIT), "the runner never hung up"
    assert result.state == "error"
    assert result.error.endswith("/slow: no answer within 1 s"), result.error
    assert elapsed < WALL_LIMIT


@pytest.mark.parametrize("phase", ["body", "headers"])
def test_a_trickling_cronitor_reply_ends_at_the_deadline(phase: str) -> None:
    with trickling_server(0.1, headers=phase == "headers") as (url, _):
        backend = CronitorBackend(api_url=f"{url}/api", api_key="k-secret", timeout=1, max_retries=1)
        backend.backoff_seconds = 0.0
        started = time.monotonic()
        with pytest.raises(CronitorError) as caught:
            backend.list_monitors()
        elapsed = time.monotonic() - started
    assert "GET 127.0.0.1:" in caught.value.message
    assert "/api/monitors: no answer within 1 s (gave up after 2 attempts)" in caught.value.message
    assert backend.request_count == 2
    assert elapsed < WALL_LIMIT


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_the_cronitor_client_never_follows_a_redirect_with_the_key_or_payload(status: int) -> None:
    with counting_listeners("127.0.0.2") as elsewhere, serve() as sync_api:
        other = f"http://127.0.0.2:{elsewhere.port}/api"
        api_url = sync_api.url(f"/redirect?code={status}&to={quote(other, safe='')}")
        with CronitorBackend(api_url=api_url, api_key="k-secret-123456", max_retries=3) as backend:
            result = backend.put_monitors([MONITOR])
        assert elsewhere.count == 0
    assert result.errors["t-one"].count(f"Cronitor answered {status} redirecting to '127.0.0.2'") == 1
    assert "nothing was sent there" in result.errors["t-one"]
    assert "k-secret" not in result.errors["t-one"]
    assert result.abort
    assert backend.request_count == 1, "a redirect is permanent: no retry"
    assert [request["method"] for request in sync_api.recorder.seen] == ["PUT"]


def test_429_is_retried_and_other_4xx_are_not(sync_api: Any) -> None:
    backend = CronitorBackend(max_retries=2, backoff_seconds=0.0)
    sync_api.fail_next(429, headers={"Retry-After": "0"})
    assert backend.put_monitors([MONITOR]).ok
    assert backend.request_count == 2, "a 429 is transient: the retry loop must send again"
    for status in (403, 404, 409, 422):
        sync_api.fail_next(status, body={"detail": "no"})
        before = backend.request_count
        result = backend.put_monitors([MONITOR])
        assert not result.ok
        assert backend.request_count - before == 1, f"{status} is permanent and must not be retried"
    sync_api.fail_next(429, times=5, headers={"Retry-After": "0"})
    result = backend.put_monitors([MONITOR])
    assert "rate limited by Cronitor (429) (gave up after 3 attempts)" in result.errors["t-one"]


def test_permanent_follows_the_status_and_429_is_never_permanent() -> None:
    import requests

    def reply(status: int) -> requests.Response:
        response = requests.Response()
        response.status_code, response._content = status, b'{"detail": "x"}'
        return response

    assert [status_error("PUT /x", reply(s)).permanent for s in (400, 401, 404, 429, 500, 503)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_the_backend_and_the_runner_send_one_user_agent(loopback_allowed: None) -> None:
    with serve() as server:
        run_row(unsaved_row(server.url("/json")))
        with CronitorBackend(api_url=server.url("/api"), api_key="k", max_retries=0) as backend:
            backend.put_monitors([MONITOR])
        agents = {request["headers"]["User-Agent"] for request in server.recorder.seen}
    assert agents == {user_agent()}
    assert user_agent().startswith("healthcheck-admin/")


def test_the_backend_and_the_runner_word_a_refused_connection_alike(loopback_allowed: None) -> None:
    with serve() as closed:
        dead = closed.url("/api")
    result = run_row(unsaved_row(f"{dead}/monitors"))
    with pytest.raises(CronitorError) as caught:
        CronitorBackend(api_url=dead, api_key="k", max_retries=0).list_monitors()
    assert result.error == caught.value.message.removesuffix(" (gave up after 1 attempt)")
    assert result.error.endswith("/api/monitors: the connection was refused")


def test_credentials_are_dropped_when_the_prepared_url_leaves_the_origin(loopback_allowed: None) -> None:
    """The last line of defence: even a request built by hand loses its credentials off-origin."""
    from healthcheck_admin.runner.guard import target

    with serve() as own, serve(host="127.0.0.2") as other:
        request = Request(
            method="GET",
            url=other.url("/echo"),
            headers={"Authorization": "Bearer s3cret-token", "X-Api-Key": "k3y-value", "X-Plain": "1"},
            cookies={"session": "c00kie-value"},
            body=None,
            origin=target(own.url("/")),
        )
        with new_session() as session:
            send_http(session, request, timeout=5, verify=True)
        [seen] = other.recorder.seen
    assert "Authorization" not in seen["headers"]
    assert "X-Api-Key" not in seen["headers"]
    assert seen["cookies"] == {}
    assert seen["headers"]["X-Plain"] == "1"


def test_the_backend_names_each_unreachable_api_url_by_its_host_and_what_went_wrong() -> None:
    with serve() as server:
        live = server.url("/api")
        port = live.rsplit(":", 1)[1].split("/")[0]

        def failure(api_url: str) -> str:
            with pytest.raises(CronitorError) as caught:
                CronitorBackend(api_url=api_url, api_key="k", max_retries=0, timeout=5).list_monitors()
            return caught.value.message

        ipv6 = failure(f"http://[::1]:{port}/api")  # the server listens on 127.0.0.1 only
        unresolvable = failure("http://no-such-host.invalid/api")
        bad_port = failure("http://127.0.0.1:99999/api")
        plain_http = failure(live.replace("http://", "https://"))

    assert ipv6.startswith(f"GET [::1]:{port}/api/monitors: ")
    assert unresolvable.startswith("GET no-such-host.invalid/api/monitors: the host name does not resolve")
    assert bad_port == "GET 127.0.0.1/api/monitors: the URL cannot be requested (InvalidURL)"
    assert plain_http.startswith(f"GET 127.0.0.1:{port}/api/monitors: the TLS handshake failed (")
