"""Credentials go to the check's own origin only, judged on the URL as ``requests`` connects to it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.servers import serve
from tests.sync_utils import healthchecks
from tests.utils import run_row, unsaved_row

SECRETS = {"Authorization": "Bearer s3cret-token-1", "X-Api-Key": "k3y-value-22", "Cookie": "sid=c00kie-33"}


@pytest.fixture
def both_allowed(settings: Any) -> None:
    healthchecks(settings, RUN_ALLOWED_HOSTS=["127.0.0.1", "127.0.0.2"])


def _check(own: Any, location: str) -> Any:
    return unsaved_row(
        own.url(f"/redirect?code=307&to={quote(location, safe='')}"),
        "response.code = 200",
        headers={**SECRETS, "X-Plain": "kept"},
        cookies={"session": "c00kie-value-44"},
        follow_redirects=True,
    )


@pytest.mark.parametrize("allow_any_host", [False, True])
def test_a_redirect_to_another_host_carries_no_credentials(both_allowed: None, allow_any_host: bool) -> None:
    with serve() as own, serve(host="127.0.0.2") as other:
        result = run_row(_check(own, other.url("/echo")), allow_any_host=allow_any_host)
        [seen] = other.recorder.seen
        [first] = own.recorder.seen
    assert result.state == "passed", result.error
    assert first["headers"]["Authorization"] == SECRETS["Authorization"]  # the check's own host gets them
    for name in ("Authorization", "X-Api-Key", "Cookie"):
        assert name not in seen["headers"], name
    assert seen["headers"]["X-Plain"] == "kept"
    for value in (*SECRETS.values(), "c00kie-value-44"):
        assert value not in str(seen)


def test_another_port_on_the_same_host_is_another_origin(both_allowed: None) -> None:
    with serve() as own, serve() as other_port:
        run_row(_check(own, other_port.url("/echo")))
        [seen] = other_port.recorder.seen
    assert "Authorization" not in seen["headers"]
    assert seen["cookies"] == {}


def test_a_same_origin_redirect_keeps_the_credentials(both_allowed: None) -> None:
    with serve() as own:
        run_row(_check(own, "/echo"))
        second = own.recorder.seen[1]
    assert second["headers"]["Authorization"] == SECRETS["Authorization"]
    assert second["headers"]["Cookie"] == SECRETS["Cookie"]  # an explicit Cookie header wins in requests


def test_the_issue_reproduction_sends_nothing_and_no_credentials(both_allowed: None) -> None:
    """``http://127.0.0.2:P\\@127.0.0.1:P/``: the old guard saw 127.0.0.1, requests went to 127.0.0.2."""
    with serve() as own, serve(host="127.0.0.2") as other:
        port = other.server.port
        result = run_row(_check(own, f"http://127.0.0.2:{port}\\@127.0.0.1:{port}/echo"), allow_any_host=True)
        assert other.recorder.seen == []
    assert result.state == "refused"
    assert "backslash" in result.error
