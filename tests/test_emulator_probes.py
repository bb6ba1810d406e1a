"""The emulator's first-probe simulation, timed pauses, list envelopes and the pytest marker.

Real HTTP with requests to the emulator; no database, no sleeping: the emulator's clock moves with
``advance()`` and automatic probes land on a counted read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from healthcheck_admin.testing import CronitorEmulator
from tests.utils import monitor

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]


def check(key: str = "home", **fields: Any) -> dict[str, Any]:
    return monitor(key, **fields)


def _put(emulator: CronitorEmulator, session: requests.Session, *monitors: dict[str, Any]) -> Any:
    reply = session.put(f"{emulator.url}/monitors", json={"monitors": list(monitors)}, timeout=5)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _one(emulator: CronitorEmulator, session: requests.Session, key: str = "home") -> Any:
    return session.get(f"{emulator.url}/monitors/{key}", timeout=5).json()


# -- first probe -----------------------------------------------------------------------------------
def test_created_and_changed_monitors_await_a_probe_and_a_no_op_push_does_not(
    cronitor_emulator, emulator_session
):
    emulator = cronitor_emulator
    _put(emulator, emulator_session, check(), check("other"))
    assert emulator.awaiting_probe() == ["home", "other"]
    first = emulator.probe("home", passing=True)
    emulator.probe("other", passing=True)
    assert first["initialized"] is True
    _put(emulator, emulator_session, check(), check("other"))  # same configuration: still verified
    _put(emulator, emulator_session, check("other", schedule="every 5 minutes", paused=True))
    assert emulator.awaiting_probe() == ["other"]
    changed = _one(emulator, emulator_session, "other")
    assert changed["initialized"] is False
    assert changed["latest_event"]["stamp"] <= emulator.now()  # the older probe is still shown
    _put(emulator, emulator_session, check(paused=True))  # pausing alone is not a change
    assert emulator.awaiting_probe() == ["other"]


def test_a_failing_first_probe_is_read_back(cronitor_emulator, emulator_session):
    _put(cronitor_emulator, emulator_session, check())
    cronitor_emulator.probe("home", passing=False, message="HTTP 503", duration=1.5)
    doc = _one(cronitor_emulator, emulator_session)
    assert doc["passing"] is False
    assert doc["initialized"] is True
    assert doc["latest_event"]["msg"] == "HTTP 503"
    assert doc["latest_event"]["metrics"] == {"duration": 1.5}
    with pytest.raises(TypeError, match="takes True or False"):
        cronitor_emulator.probe("home", passing="yes")
    with pytest.raises(KeyError, match="no monitor 'nope'"):
        cronitor_emulator.probe("nope")


@pytest.mark.cronitor_emulator(auto_probe=True, probe_after_reads=3)
def test_auto_probe_lands_on_the_counted_read(cronitor_emulator, emulator_session):
    _put(cronitor_emulator, emulator_session, check())
    assert _one(cronitor_emulator, emulator_session)["initialized"] is False
    listed = emulator_session.get(f"{cronitor_emulator.url}/monitors", timeout=5).json()["monitors"][0]
    assert listed["initialized"] is False
    third = _one(cronitor_emulator, emulator_session)
    assert third["initialized"] is True
    assert third["passing"] is True
    assert third["latest_event"]["event"] == "complete"
    assert cronitor_emulator.awaiting_probe() == []


def test_auto_probe_outcome_can_depend_on_the_key():
    with CronitorEmulator(auto_probe=lambda key: key != "broken") as emulator, requests.Session() as s:
        s.auth = (emulator.api_key, "")
        _put(emulator, s, check("fine"), check("broken"))
        page = s.get(f"{emulator.url}/monitors", timeout=5).json()["monitors"]
        assert {doc["key"]: doc["passing"] for doc in page} == {"fine": True, "broken": False}
        assert all(doc["initialized"] for doc in page)


def test_without_auto_probe_reads_never_probe(cronitor_emulator, emulator_session):
    _put(cronitor_emulator, emulator_session, check())
    for _ in range(3):
        assert _one(cronitor_emulator, emulator_session)["initialized"] is False


def test_seeded_monitors_can_start_probed(cronitor_emulator):
    docs = cronitor_emulator.add_monitors(check("up"), probed=True)
    assert docs[0]["initialized"] is True
    assert cronitor_emulator.add_monitors(check("down"), probed=False)[0]["passing"] is False
    assert cronitor_emulator.add_monitors(check("new"))[0]["initialized"] is False


@pytest.mark.parametrize(
    "options",
    [{"auto_probe": "yes"}, {"monitor_quota": -1}, {"probe_after_reads": 0}, {"list_envelope": "x"}],
)
def test_bad_options_are_refused_by_name(options):
    name = next(iter(options))
    with pytest.raises(ValueError, match=name):
        CronitorEmulator(**options)


# -- timed pause -----------------------------------------------------------------------------------
def test_a_timed_pause_keeps_its_expiry_and_ends_on_the_emulators_clock(cronitor_emulator, emulator_session):
    emulator = cronitor_emulator
    _put(emulator, emulator_session, check())
    start = emulator.now()
    assert emulator_session.get(f"{emulator.url}/monitors/home/pause/2", timeout=5).json()["paused"] is True
    until = emulator.paused_until("home")
    assert until is not None
    assert start + 2 * 3600 - 1 <= until <= emulator.now() + 2 * 3600
    emulator.advance(3600)
    assert _one(emulator, emulator_session)["paused"] is True
    emulator.advance(3601)
    assert _one(emulator, emulator_session)["paused"] is False
    assert emulator.paused_until("home") is None
    with pytest.raises(ValueError, match="only moves forward"):
        emulator.advance(-1)


def test_indefinite_pause_unpause_and_a_put_end_the_timed_pause(cronitor_emulator, emulator_session):
    emulator = cronitor_emulator
    _put(emulator, emulator_session, check())
    base = f"{emulator.url}/monitors/home/pause"
    emulator_session.get(f"{base}/1", timeout=5)
    emulator_session.get(base, timeout=5)
    assert emulator.paused_until("home") is None  # indefinite now
    emulator.advance(7200)
    assert _one(emulator, emulator_session)["paused"] is True
    emulator_session.get(f"{base}/1", timeout=5)
    emulator_session.get(f"{base}/0", timeout=5)
    assert (emulator.paused_until("home"), _one(emulator, emulator_session)["paused"]) == (None, False)
    emulator_session.get(f"{base}/1", timeout=5)
    _put(emulator, emulator_session, check(paused=False))
    assert emulator.paused_until("home") is None
    emulator_session.get(f"{base}/1", timeout=5)
    emulator.set_health("home", paused=False)
    assert emulator.paused_until("home") is None


# -- listing ---------------------------------------------------------------------------------------
def test_page_info_envelope_pages_through_every_monitor():
    with CronitorEmulator(list_envelope="page_info") as emulator, requests.Session() as s:
        s.auth = (emulator.api_key, "")
        emulator.add_monitors(*(check(f"m{i:02}", tags=["ours"] if i % 2 else []) for i in range(7)))
        keys: list[str] = []
        for page in (1, 2, 3):
            body = s.get(f"{emulator.url}/monitors", params={"page": page, "pageSize": 3}, timeout=5).json()
            assert body["page_info"] == {"page": page, "pageSize": 3, "totalMonitorCount": 7}
            assert "total_monitor_count" not in body
            keys += [doc["key"] for doc in body["monitors"]]
        assert keys == [f"m{i:02}" for i in range(7)]
        tagged = s.get(f"{emulator.url}/monitors", params={"tag": "ours"}, timeout=5).json()
        assert [doc["key"] for doc in tagged["monitors"]] == ["m01", "m03", "m05"]
        assert tagged["page_info"]["totalMonitorCount"] == 3


def test_env_filter_and_unknown_parameters(cronitor_emulator, emulator_session):
    cronitor_emulator.add_monitors(check("prod"), check("stage", environments=["staging"]))
    url = f"{cronitor_emulator.url}/monitors"
    staged = emulator_session.get(url, params={"env": "staging"}, timeout=5).json()["monitors"]
    assert [doc["key"] for doc in staged] == ["stage"]
    everything = emulator_session.get(url, params={"key": "prod"}, timeout=5).json()  # no key filter exists
    assert everything["total_monitor_count"] == 2


# -- the pytest marker and the process -------------------------------------------------------------
def test_the_marker_refuses_positional_and_bad_options(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest('pytest_plugins = ["healthcheck_admin.testing.pytest_plugin"]')
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cronitor_emulator(monitor_quota=1)
        def test_ok(cronitor_emulator):
            assert cronitor_emulator.monitor_quota == 1

        @pytest.mark.cronitor_emulator(3)
        def test_positional(cronitor_emulator):
            pass

        @pytest.mark.cronitor_emulator(monitor_quota="many")
        def test_bad(cronitor_emulator):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:django")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(["*keyword arguments only*", "*monitor_quota must be a whole number*"])


def test_the_process_accepts_quota_and_envelope_flags():
    command = [
        sys.executable, "-m", "healthcheck_admin.testing.emulator", "--api-key", "K",
        "--monitor-quota", "0", "--list-envelope", "page_info", "--auto-probe", "failing",
    ]  # fmt: skip
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            s = requests.Session()
            s.auth = ("K", "")
            body = s.put(f"{url}/monitors", json={"monitors": [check()]}, timeout=10).json()
            assert body["monitors"][0]["disabled"] is True
            assert "page_info" in s.get(f"{url}/monitors", timeout=10).json()
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_replies_can_leave_out_the_monitor_code():
    with CronitorEmulator(codes_in_replies=False) as emulator, requests.Session() as s:
        s.auth = (emulator.api_key, "")
        written = _put(emulator, s, check())["monitors"][0]
        listed = s.get(f"{emulator.url}/monitors", timeout=5).json()["monitors"][0]
        for doc in (
            written,
            listed,
            _one(emulator, s),
            s.get(f"{emulator.url}/monitors/home/pause", timeout=5).json(),
        ):
            assert "attributes" not in doc
            assert doc["key"] == "home"
        assert len(emulator.codes["home"]) == 6  # the emulator still knows it


def test_a_reference_to_monitors_stays_current_across_writes(cronitor_emulator, emulator_session):
    held = cronitor_emulator.monitors
    _put(cronitor_emulator, emulator_session, check())
    emulator_session.post(f"{cronitor_emulator.url}/monitors", json=check("two"), timeout=5)
    assert sorted(held) == ["home", "two"]
