"""``run --repeat N``: run the selection N times and measure each check's flake rate (failures/N).

Rounds run one after another (each round with the usual concurrency), so that a check's runs never
overlap. A run counts as a failure when it ``failed`` or hit an ``error``; a refused check is refused
every round and has no flake rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from healthcheck_admin.runner.core import run_checks
from healthcheck_admin.runner.results import RunResult

if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.runner.config import RunConfig

MAX_REPEAT = 1000


@dataclass
class Flakiness:
    """One check over ``runs`` runs: how many failed, and the result to report (the first failure)."""

    key: str
    runs: int
    failures: int
    result: RunResult

    @property
    def rate(self) -> float:
        return self.failures / self.runs if self.runs else 0.0

    def line(self) -> str:
        return f"{self.key}: flake rate {self.failures}/{self.runs} ({self.rate:.0%})"


def check_repeat(repeat: object) -> int:
    """``repeat`` if it is a whole number from 1 to :data:`MAX_REPEAT`; ``ValueError`` otherwise."""
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= MAX_REPEAT:
        raise ValueError(f"--repeat must be a whole number from 1 to {MAX_REPEAT}, got {repeat!r}")
    return repeat


def run_repeated(
    rows: Iterable[HealthcheckDefinition],
    config: RunConfig,
    repeat: int,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[Flakiness]:
    """Run every row ``repeat`` times; one :class:`Flakiness` per row, in the order of ``rows``."""
    check_repeat(repeat)
    items = list(rows)
    found: dict[str, Flakiness] = {}
    for _ in range(repeat):
        for result in run_checks(items, config, on_result):
            bad = result.state in ("failed", "error")
            seen = found.get(result.key)
            if seen is None:
                found[result.key] = Flakiness(result.key, 1, int(bad), result)
                continue
            seen.runs += 1
            if bad:
                if not seen.failures:
                    seen.result = result  # report the first failure, not a later pass
                seen.failures += 1
    return [found[row.key] for row in items if row.key in found]
