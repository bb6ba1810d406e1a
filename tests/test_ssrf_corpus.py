"""The SSRF corpus: URL spellings replayed as a check's URL and as a redirect target.

``tests/data/ssrf_urls.jsonl`` holds one spelling per line. ``{port}`` is the port of loopback
listeners on 127.0.0.2, 127.0.0.3 and ::1 that count connections; the allow-list holds 127.0.0.1
only. Every spelling that would reach a listener must be refused with no connection made, neither
as the check's URL nor as a redirect from the allowed server. ``"expect": "passed"`` lines are
controls that reach the allowed server, so that the guard is seen to let allowed spellings through.
Lines marked ``"ambiguous"`` are refused even with ``--allow-any-host``: where they go depends on
which parser reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from healthcheck_admin.runner.guard import UnsafeURL, target
from tests.servers import ConnectionCounter, Running, counting_listeners, serve
from tests.utils import run_row, unsaved_row

CORPUS = Path(__file__).parent / "data" / "ssrf_urls.jsonl"
CASES: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
LISTENERS = ("127.0.0.2", "127.0.0.3", "::1")


def _replays() -> list[Any]:
    return [pytest.param(case, via, id=f"{case['id']}-via-{via}") for case in CASES for via in case["via"]]


@pytest.fixture(scope="module")
def ssrf_listeners() -> Iterator[ConnectionCounter]:
    with counting_listeners(*LISTENERS) as counter:
        yield counter


@pytest.fixture(scope="module")
def allowed_server() -> Iterator[Running]:
    with serve() as running:
        yield running


@pytest.fixture
def allow_loopback_one(settings: Any) -> None:
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "RUN_ALLOWED_HOSTS": ["127.0.0.1"]}


def _spelling(case: dict[str, Any], counter: ConnectionCounter, server: Running) -> str:
    return str(case["url"]).format(port=counter.port, ok=server.server.port)


def _check_url(case: dict[str, Any], via: str, counter: ConnectionCounter, server: Running) -> str:
    spelling = _spelling(case, counter, server)
    if via == "check":
        return spelling
    return server.url(f"/redirect?code=302&to={quote(spelling, safe='')}")


def _expected(case: dict[str, Any], via: str) -> str:
    """``expect`` is a state, or a state per way in; refused by default."""
    expect = case.get("expect", "refused")
    return str(expect[via] if isinstance(expect, dict) else expect)


def test_the_corpus_is_large_and_covers_every_class() -> None:
    refused = [case for case in CASES if _expected(case, case["via"][0]) == "refused"]
    assert len(refused) >= 30
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    for prefix in ("backslash", "userinfo", "ipv4", "ipv6", "percent", "unicode"):
        assert any(case_id.startswith(prefix) for case_id in ids), prefix
    assert any("redirect" in case["via"] for case in refused)


@pytest.mark.parametrize(("case", "via"), _replays())
def test_a_spelling_outside_the_allow_list_is_refused_before_any_byte_is_sent(
    case: dict[str, Any],
    via: str,
    ssrf_listeners: ConnectionCounter,
    allowed_server: Running,
    allow_loopback_one: None,
) -> None:
    before = ssrf_listeners.count
    url = _check_url(case, via, ssrf_listeners, allowed_server)
    result = run_row(unsaved_row(url, "response.code = 200", follow_redirects=True), timeout=5)
    assert ssrf_listeners.count == before, f"{case['id']}: a connection reached {ssrf_listeners.by_address}"
    assert result.state == _expected(case, via), (case["id"], result.state, result.error)
    if result.state == "refused":
        assert result.error, case["id"]


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=case["id"]) for case in CASES if case.get("ambiguous")]
)
def test_an_ambiguous_spelling_is_refused_even_with_allow_any_host(
    case: dict[str, Any], ssrf_listeners: ConnectionCounter, allowed_server: Running
) -> None:
    before = ssrf_listeners.count
    url = _spelling(case, ssrf_listeners, allowed_server)
    with pytest.raises(UnsafeURL):
        target(url)
    result = run_row(unsaved_row(url, "response.code = 200"), timeout=5, allow_any_host=True)
    assert (result.state, ssrf_listeners.count) == ("refused", before), result.error
