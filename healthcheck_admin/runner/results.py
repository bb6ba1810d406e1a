"""What a run reports: :class:`RunResult`, one-line summaries, JSON and JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from healthcheck_admin.assertions import Outcome

State = Literal["passed", "failed", "refused", "error"]

#: How many characters of the response body a result keeps.
EXCERPT_CHARS = 300


@dataclass(frozen=True)
class RunResult:
    """The outcome of running one check.

    ``state`` is ``"passed"`` (every assertion held), ``"failed"`` (a response
    came back and an assertion did not hold), ``"refused"`` (the runner would not
    send the request: a host outside the allow-list, or an admin row in an
    in-process run) or ``"error"`` (no response to judge: connection error,
    timeout, TLS error, missing ``env:`` variable, invalid assertion). ``url`` is
    the URL requested, after any ``--base-url`` swap. Resolved secrets never
    appear in ``error``, ``body_excerpt`` or the outcomes' reasons.
    """

    key: str
    name: str
    url: str
    method: str
    state: State
    status: int | None
    elapsed: float | None
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""
    body_excerpt: str = ""

    @property
    def passed(self) -> bool:
        return self.state == "passed"

    @property
    def failed_outcomes(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]

    @property
    def message(self) -> str:
        """Why a result did not pass, on one line; empty when it passed."""
        if self.state == "failed":
            return "; ".join(outcome.reason for outcome in self.failed_outcomes)
        return self.error


_LABELS: dict[str, str] = {"passed": "PASS", "failed": "FAIL", "refused": "REFUSED", "error": "ERROR"}


def format_result_line(result: RunResult) -> str:
    """One line per check, e.g. ``FAIL  api-status  GET https://example.com/api/  503 in 12 ms: ...``."""
    line = f"{_LABELS[result.state]:<7} {result.key}  {result.method} {result.url}"
    if result.status is not None:
        line += f"  {result.status}"
    if result.elapsed is not None:
        line += f" in {result.elapsed * 1000:.0f} ms"
    message = result.message
    return f"{line}: {message}" if message else line


def result_to_dict(result: RunResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "name": result.name,
        "url": result.url,
        "method": result.method,
        "state": result.state,
        "passed": result.passed,
        "status": result.status,
        "elapsed": result.elapsed,
        "error": result.error,
        "body_excerpt": result.body_excerpt,
        "outcomes": [
            {"assertion": outcome.assertion, "passed": outcome.passed, "reason": outcome.reason}
            for outcome in result.outcomes
        ],
    }


def results_to_json(results: Iterable[RunResult]) -> list[dict[str, Any]]:
    """Plain data for ``--json``: one dict per result, ready for ``json.dumps``."""
    return [result_to_dict(result) for result in results]


def results_to_junit(results: Iterable[RunResult], suite_name: str = "healthchecks") -> str:
    """JUnit XML for ``--junit``: one ``testcase`` per check.

    A failed check carries a ``failure`` with each failed assertion's reason, an
    error an ``error``, and a refused check is ``skipped`` with the refusal.
    """
    items = list(results)
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(items)))
    counts = {"failed": 0, "error": 0, "refused": 0}
    total = 0.0
    for result in items:
        case = ET.SubElement(suite, "testcase", classname=suite_name, name=result.key)
        case.set("time", f"{result.elapsed or 0.0:.3f}")
        total += result.elapsed or 0.0
        if result.state in counts:
            counts[result.state] += 1
        if result.state == "failed":
            failure = ET.SubElement(case, "failure", message=result.message, type="AssertionFailed")
            failure.text = "\n".join(outcome.reason for outcome in result.failed_outcomes)
        elif result.state == "error":
            ET.SubElement(case, "error", message=result.error, type="RunError")
        elif result.state == "refused":
            ET.SubElement(case, "skipped", message=result.error)
        out = ET.SubElement(case, "system-out")
        out.text = f"{result.method} {result.url}\n{result.body_excerpt}"
    suite.set("failures", str(counts["failed"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", str(counts["refused"]))
    suite.set("time", f"{total:.3f}")
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
