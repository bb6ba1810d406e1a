"""``manage.py healthchecks run``: selection, output formats and exit codes, over real HTTP."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from healthcheck_admin.models import HealthcheckDefinition
from tests.servers import serve
from tests.utils import run_command as run

pytestmark = pytest.mark.django_db


@pytest.fixture
def http(settings):
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "RUN_ALLOWED_HOSTS": ["127.0.0.1"]}
    with serve() as running:
        yield running


def add(key: str, url: str, *assertions: str, **fields) -> HealthcheckDefinition:
    return HealthcheckDefinition.objects.create(key=key, url=url, assertions=list(assertions), **fields)


def test_all_passing_exits_0_with_a_summary(http):
    add("adm-ok", http.url("/json"), "response.code = 200", "response.json data.count = 3")
    code, out, _ = run("--source", "admin")
    assert code == 0
    assert "1 checks: 1 passed, 0 failed, 0 error, 0 refused" in out


def test_a_failing_assertion_exits_1_and_shows_its_reason(http):
    add("adm-ok", http.url("/json"), "response.code = 200")
    add("adm-down", http.url("/status/503"), "response.code = 200")
    code, out, message = run("--source", "admin")
    assert (code, message) == (1, "some healthchecks failed")
    assert "FAIL    adm-down" in out
    assert "response.code = 200: got 503" in out
    assert "1 passed, 1 failed" in out


def test_a_refused_check_exits_3_unless_refusals_are_allowed(http):
    add("adm-elsewhere", "https://internal.example.net/admin", "response.code = 200")
    code, out, message = run("--source", "admin")
    assert code == 3
    assert "1 refused" in out
    assert "internal.example.net" in out
    assert message == (
        "1 of 1 checks were refused and did not run (adm-elsewhere); "
        "see the reasons above, or pass --allow-refused"
    )
    assert run("--source", "admin", "--allow-refused")[0] == 0


def test_key_tag_and_source_select_rows(http):
    add("adm-a", http.url("/json"), tags=["api"])
    add("adm-b", http.url("/status/500"), tags=["web"])
    assert run("--key", "adm-a")[0] == 0
    assert run("--tag", "api")[0] == 0
    assert run("--tag", "web")[0] == 1
    code, out, message = run("--source", "admin", "--tag", "nothing-has-this")
    assert (code, "0 checks" in out) == (3, True)
    assert "no check ran" in message
    assert run("--source", "admin", "--tag", "nothing-has-this", "--allow-refused")[0] == 0


def test_an_unknown_key_is_a_misconfiguration(http):
    code, _, message = run("--key", "no-such-key")
    assert code == 2
    assert "no-such-key" in message


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--base-url", "ftp://x"), "ftp://x"),
        (("--concurrency", "0"), "concurrency 0"),
        (("--timeout", "-1"), "timeout -1.0"),
    ],
)
def test_bad_options_exit_2_naming_the_value(http, args, fragment):
    code, _, message = run(*args)
    assert code == 2
    assert fragment in message


def test_json_output_is_machine_readable(http):
    add("adm-ok", http.url("/json"), "response.code = 200")
    code, out, _ = run("--source", "admin", "--json")
    assert code == 0
    [result] = json.loads(out)
    assert (result["key"], result["state"], result["status"]) == ("adm-ok", "passed", 200)


def test_junit_file_has_one_case_per_check(http, tmp_path):
    add("adm-ok", http.url("/json"), "response.code = 200")
    add("adm-down", http.url("/status/503"), "response.code = 200")
    target = tmp_path / "results.xml"
    run("--source", "admin", "--junit", str(target))
    root = ET.parse(target).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert all(any(key in (case.get("name") or "") for case in cases) for key in ("adm-ok", "adm-down"))
    assert len(root.findall(".//failure")) == 1


def test_verbosity_2_prints_one_line_per_check_and_long_runs_show_progress(http):
    for number in range(30):
        add(f"adm-{number:02d}", http.url("/json"), "response.code = 200")
    code, out, err = run("--source", "admin", "--concurrency", "10", verbosity=2)
    assert code == 0
    assert out.count("PASS ") == 30
    assert "[30/30]" in out
    code, out, err = run("--source", "admin", "--concurrency", "10", verbosity=1)
    assert "ran 25/30 checks" in err
    assert "PASS " not in out


def test_base_url_swaps_the_host_of_code_checks_only(http):
    # test.index is declared in tests/urls.py (https://example.com/); the test server answers 404 on "/".
    add("adm-row", "https://www.example.org/", "response.code = 200")
    code, out, _ = run("--base-url", http.url("/").rstrip("/"), "--key", "test.index", "adm-row", verbosity=2)
    assert code == 1
    assert http.recorder.seen[-1]["path"] == "/"
    assert f"FAIL    test.index  GET {http.url('/')}  404" in out
    assert "REFUSED adm-row  GET https://www.example.org/" in out  # admin rows keep their own host
