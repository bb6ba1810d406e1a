"""Benchmark: the row load of ``plan`` and of a second push, at 10,000 rows, against the shipped emulator.

Two child processes, in the same run, on the same data: ``stock`` puts back django-model-utils'
own ``FieldTracker`` snapshot, Django's walk of the fields for ``get_deferred_fields()`` and
``copy.deepcopy`` of monitors (the code before :mod:`healthcheck_admin.tracking`); ``cheap`` is
the code as it is. Each prints, for ``plan`` (with its refresh) and for the second push (its
refresh reads every monitor back, nothing is sent): time, peak memory (``tracemalloc``, in a
repeat of the step, since tracing slows it) and SQL statements. The ratio is stock / cheap.

Each child uses a temporary SQLite file that it creates and removes and its own emulator
process; nothing else is touched. Run: ``python benchmarks/bench_rows.py [--rows 10000]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "bench-rows-key"


def stock() -> None:
    """The code before the cheap tracker, for the baseline."""
    from django.db import models
    from model_utils.tracker import FieldInstanceTracker

    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.sync import payload, threeway
    from healthcheck_admin.tracking import TrackerInstance

    HealthcheckDefinition.get_deferred_fields = models.Model.get_deferred_fields  # type: ignore[method-assign]
    TrackerInstance.set_saved_fields = FieldInstanceTracker.set_saved_fields  # type: ignore[method-assign]
    payload.json_copy = threeway.json_copy = copy.deepcopy  # type: ignore[attr-defined]


def child(mode: str, rows: int, api_url: str, database: str) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import django

    from benchmarks._common import configure_cronitor

    configure_cronitor(database, api_url, API_KEY, UPSERT_ON_MIGRATE=False)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.sync.plan import plan
    from healthcheck_admin.sync.service import push

    if mode == "stock":
        stock()
    call_command("migrate", verbosity=0)
    HealthcheckDefinition.objects.bulk_create(
        [
            HealthcheckDefinition(
                key=f"bench-{n:06d}",
                url=f"https://example.com/{n}/",
                tags=["bench"],
                assertions=["response.code = 200"],
            )
            for n in range(rows)
        ],
        batch_size=1000,
    )
    first = push()
    assert len(first.synced) == rows, first.summary()
    figures: dict[str, float] = {}

    def measure(name: str, step: Callable[[], object], repeat: Callable[[], object]) -> None:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            step()
            figures[f"{name}_s"] = time.perf_counter() - began
        figures[f"{name}_sql"] = len(queries.captured_queries)
        tracemalloc.start()
        repeat()
        figures[f"{name}_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()

    def second_push() -> None:
        report = push()
        assert report.sent == 0, report.summary()
        assert not report.failed, report.summary()

    measure("push", second_push, second_push)
    measure("plan", lambda: plan(), lambda: plan())
    return figures


def run(mode: str, rows: int) -> dict[str, float]:
    command = [sys.executable, "-m", "healthcheck_admin.testing.emulator", "--api-key", API_KEY]
    emulator = subprocess.Popen([*command, "--page-size", "100"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert emulator.stdout is not None
    api_url = emulator.stdout.readline().strip()
    try:
        with tempfile.TemporaryDirectory(prefix="bench_rows_") as folder:
            database = os.path.join(folder, "bench.sqlite3")
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(rows), api_url, database],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    if done.returncode != 0:
        raise SystemExit(f"the {mode} run failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        mode, rows, api_url, database = options.child
        print(json.dumps(child(mode, int(rows), api_url, database)))
        return
    results = {mode: run(mode, options.rows) for mode in ("stock", "cheap")}
    print(f"bench_rows: {options.rows:,} rows, SQLite, the shipped emulator, same run")
    print(f"{'step':<13}{'code':<7}{'time':>9}{'peak MB':>9}{'SQL':>6}")
    for step, label in (("plan", "plan"), ("push", "second push")):
        for mode in ("stock", "cheap"):
            figures = results[mode]
            print(
                f"{label:<13}{mode:<7}{figures[f'{step}_s']:>8.2f}s{figures[f'{step}_mb']:>9.1f}"
                f"{figures[f'{step}_sql']:>6.0f}"
            )
        ratio = results["stock"][f"{step}_s"] / results["cheap"][f"{step}_s"]
        print(f"{label:<13}ratio stock / cheap: {ratio:.2f}x")


if __name__ == "__main__":
    main()
