"""Cronitor traffic of real deploys: ``python benchmarks/bench_deploys.py`` (needs PostgreSQL).

The demo (``migrations_demo/``, with ``--checks`` generated checks and no demo routes) is
served by gunicorn with ``--workers`` workers against a fresh PostgreSQL database and the
Cronitor emulator; ``post_worker_init`` starts the startup hook in every worker at once.

1. Requests over worker starts with nothing changed. Target: 0. Baseline: the requests
   of the first deploy, measured in the same run.
2. Monitors sent when 1 of the checks changed. Target: 1. Baseline: the monitors sent on
   the first deploy (every check, plus the demo's 2 admin-created rows).

Exit status 0 when both targets are met.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrations_demo.deploy_urls_template import Edit, render  # noqa: E402
from tests.deploy_harness import DeployResult, deployment  # noqa: E402


def _row(*cells: str) -> str:
    case, *rest = cells
    return f"{case:<40}" + "".join(f"{cell:>11}" for cell in rest)


def _check(result: DeployResult, workers: int) -> None:
    if len(result.hook_lines) != workers or result.problems():
        raise SystemExit(f"a deploy went wrong; gunicorn's log:\n{result.log}")


def measure(
    checks: int, workers: int, restarts: int
) -> tuple[DeployResult, list[DeployResult], DeployResult]:
    """(first deploy, unchanged restarts, deploy with one check changed)."""
    with deployment("hc_bench_deploys") as site:
        site.write_urls(render(checks, include_demo=False))
        site.migrate()
        first = site.deploy(workers)
        print(f"first deploy: {len(first.sent_keys)} monitors in {first.seconds:.1f} s", file=sys.stderr)
        _check(first, workers)
        same = []
        for number in range(restarts):
            same.append(site.deploy(workers))
            _check(same[-1], workers)
            print(f"unchanged restart {number + 1}/{restarts} done", file=sys.stderr)
        edits = {checks // 2: Edit(assertion="response.code < 400")}
        site.write_urls(render(checks, edits=edits, include_demo=False))
        changed = site.deploy(workers)
        _check(changed, workers)
    return first, same, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=1000, help="generated checks (default 1000)")
    parser.add_argument("--workers", type=int, default=8, help="gunicorn workers (default 8)")
    parser.add_argument("--restarts", type=int, default=3, help="unchanged restarts (default 3)")
    args = parser.parse_args()
    first, same, changed = measure(args.checks, args.workers, args.restarts)
    baseline_requests, baseline_sent = len(first.requests), len(first.sent_keys)
    restart_requests = sum(len(result.requests) for result in same)
    sent = len(changed.sent_keys)
    w = args.workers
    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{args.checks} checks, {w} gunicorn workers per deploy, PostgreSQL, Cronitor emulator")
    print(_row("case", "requests", "monitors", "baseline", "ratio", "target"))
    print(_row("first deploy (the baselines)", str(baseline_requests), str(baseline_sent), "", "", ""))
    restart_ratio = restart_requests / max(1, baseline_requests)
    print(
        _row(
            f"{args.restarts} x {w} worker starts, unchanged",
            str(restart_requests),
            str(sum(len(r.sent_keys) for r in same)),
            f"{baseline_requests} req",
            f"{restart_ratio:.3f}",
            "0 req",
        )
    )
    print(
        _row(
            f"1 of {args.checks} checks changed",
            str(len(changed.requests)),
            str(sent),
            f"{baseline_sent} mon",
            f"{sent / max(1, baseline_sent):.4f}",
            "1 mon",
        )
    )
    print(
        f"deploy time (start to every hook done): first {first.seconds:.1f} s, unchanged "
        f"{max(r.seconds for r in same) if same else 0:.1f} s max, changed {changed.seconds:.1f} s"
    )
    met = restart_requests == 0 and sent == 1
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
