"""Benchmark: the refresh (read Cronitor's monitors back) at 1,000 and 10,000 monitors.

For each size, in one run: the requests the refresh sends (exactly one per page), its time and
its peak memory (``tracemalloc``, the Python heap of this process, in a second refresh), and ``plan`` with the
refresh against ``plan --no-refresh``, as a ratio. Targets: one request per page, under
200 MB at 10,000.

The emulator runs as its own process (``python -m healthcheck_admin.testing.emulator``), so
its memory is not counted here. Each size uses a temporary SQLite file that this run creates
and removes; nothing else is touched.

Run: ``python benchmarks/bench_refresh.py [--sizes 1000 10000]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "bench-refresh-key"
PAGE_SIZE = 100
SEED_BATCH = 1000


def child(size: int, api_url: str, database: str) -> dict[str, float]:
    """Configure Django on ``database``, seed ``size`` rows and monitors, measure the refresh."""
    sys.path.insert(0, str(ROOT))
    import django

    from benchmarks._common import configure_cronitor

    configure_cronitor(database, api_url, API_KEY)
    django.setup()
    import requests
    from django.core.management import call_command

    from healthcheck_admin.conf import app_settings
    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.sync.plan import plan
    from healthcheck_admin.sync.refresh import refresh

    call_command("migrate", verbosity=0)
    keys = [f"bench-{number:06d}" for number in range(size)]
    HealthcheckDefinition.objects.bulk_create(
        [HealthcheckDefinition(key=key, url=f"https://example.com/{key}/") for key in keys], batch_size=1000
    )
    tag = app_settings.OWNERSHIP_TAG
    with requests.Session() as session:
        for start in range(0, size, SEED_BATCH):
            monitors = [
                {
                    "type": "check",
                    "key": key,
                    "request": {"url": f"https://example.com/{key}/"},
                    "tags": [tag],
                }
                for key in keys[start : start + SEED_BATCH]
            ]
            session.put(f"{api_url}/monitors", json={"monitors": monitors}, auth=(API_KEY, ""), timeout=60)

    began = time.perf_counter()
    state = refresh()
    seconds = time.perf_counter() - began
    tracemalloc.start()  # a second refresh for the memory: tracemalloc slows what it traces
    refresh()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def timed_plan(with_refresh: bool) -> float:
        began = time.perf_counter()
        items = plan(refresh=with_refresh)
        assert len(items) == size
        return time.perf_counter() - began

    no_refresh = min(timed_plan(False) for _ in range(2))
    with_refresh = min(timed_plan(True) for _ in range(2))
    return {
        "size": size,
        "listed": state.listed,
        "requests": state.requests,
        "pages": math.ceil(size / PAGE_SIZE),
        "seconds": seconds,
        "peak_mb": peak / 1e6,
        "plan_refresh": with_refresh,
        "plan_no_refresh": no_refresh,
    }


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "healthcheck_admin.testing.emulator", "--api-key", API_KEY]
    command += ["--page-size", str(PAGE_SIZE)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def measure(size: int) -> dict[str, float]:
    process, api_url = start_emulator()
    with tempfile.TemporaryDirectory(prefix="bench_refresh_") as folder:
        database = os.path.join(folder, "bench.sqlite3")
        try:
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(size), api_url, database],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
        finally:
            process.terminate()
            process.wait(timeout=10)
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        size, api_url, database = options.child
        print(json.dumps(child(int(size), api_url, database)))
        return
    print(
        f"{'monitors':>9} {'requests':>9} {'pages':>6} {'refresh s':>10} {'peak MB':>8} "
        f"{'plan s':>7} {'--no-refresh s':>15} {'ratio':>6}"
    )
    failed = False
    for size in options.sizes:
        figures = measure(size)
        ratio = figures["plan_refresh"] / figures["plan_no_refresh"]
        print(
            f"{size:>9,} {figures['requests']:>9.0f} {figures['pages']:>6.0f} {figures['seconds']:>10.2f} "
            f"{figures['peak_mb']:>8.1f} {figures['plan_refresh']:>7.2f} {figures['plan_no_refresh']:>15.2f} "
            f"{ratio:>6.2f}"
        )
        if figures["requests"] != figures["pages"] or figures["listed"] != size:
            print(f"  refresh sent {figures['requests']:.0f} requests for {figures['pages']:.0f} pages")
            failed = True
        if figures["peak_mb"] >= 200:
            print(f"  refresh peaked at {figures['peak_mb']:.1f} MB, over the 200 MB target")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
