"""The one home of Cronitor's limits and the interval grammar (``healthcheck_admin.limits``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from healthcheck_admin import limits
from healthcheck_admin.assertions import parse_interval
from healthcheck_admin.declarations import Healthcheck, HealthcheckError
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.drift import _normal
from healthcheck_admin.testing._validation import parse_interval as emulator_schedule


def test_limits_imports_nothing_but_the_standard_library() -> None:
    path = Path(limits.__file__)
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('limits', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'healthcheck_admin'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Only its one sibling, the interval grammar (itself standard library only): no Django.
    assert done.stdout.strip() == "['healthcheck_admin', 'healthcheck_admin.intervals']"


def test_every_user_reads_the_same_objects() -> None:
    from healthcheck_admin import declarations, forms
    from healthcheck_admin.testing import _validation

    assert declarations.HealthcheckError is limits.HealthcheckError
    assert vars(_validation)["METHODS"] is limits.METHODS
    assert vars(forms)["d"] is limits
    assert HealthcheckDefinition._meta.get_field("method").max_length == max(map(len, limits.METHODS))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("every 60 seconds", 60), ("every 5 minutes", 300), ("every 1 min", 60), ("every 30 s", 30),
     ("EVERY 2 Hours", 7200), ("every 90s", 90), ("every 1.5 min", 90)],
)  # fmt: skip
def test_one_schedule_grammar_for_drift_and_the_emulator(text: str, seconds: int) -> None:
    assert limits.schedule_seconds(text) == seconds
    assert emulator_schedule(text) == seconds
    assert _normal("schedule", text) == seconds


@pytest.mark.parametrize(
    "text", ["every", "60 seconds", "every 5 parsecs", "every 0.5 s", "every -5 s", "sometimes"]
)
def test_unreadable_schedules_are_none_everywhere(text: str) -> None:
    assert limits.schedule_seconds(text) is None
    assert emulator_schedule(text) is None
    assert _normal("schedule", text) == text  # drift compares it as written


@pytest.mark.parametrize("text", ["2s", "600ms", ".25s", "5 min", "30 days", "1 week"])
def test_assertion_intervals_use_the_same_units(text: str) -> None:
    assert parse_interval(text) == limits.interval(text)


def test_a_key_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(HealthcheckError, match="not a valid monitor key"):
        limits.check_key("ok\n")


def test_a_bad_key_in_a_direct_call_is_kept_not_raised_and_coerce_raises_it() -> None:
    check = Healthcheck(key="a b")
    assert isinstance(check.problem, HealthcheckError)
    with pytest.raises(HealthcheckError, match="'a b' is not a valid monitor key"):
        Healthcheck.coerce(check)
    assert Healthcheck(key="ok").problem is None


@pytest.mark.django_db
def test_model_defaults_come_from_the_settings() -> None:
    with override_settings(HEALTHCHECKS={"DEFAULT_INTERVAL_SECONDS": 300, "DEFAULT_TIMEOUT_SECONDS": 5}):
        row = HealthcheckDefinition.objects.create(url="https://example.com/")
    row.refresh_from_db()
    assert (row.interval_seconds, row.timeout_seconds) == (300, 5)
    plain = HealthcheckDefinition.objects.create(url="https://example.com/")
    assert (plain.interval_seconds, plain.timeout_seconds) == (60, 10)
