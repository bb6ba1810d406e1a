"""Does a slow or unreachable Cronitor API delay startup? ``python benchmarks/bench_startup.py``.

Each case runs the demo project (``migrations_demo/``) in real subprocesses on a fresh
SQLite file and times:

- ``manage.py check``;
- ``manage.py migrate`` (its post_migrate upserts the code checks and marks a push due);
- the first request: from spawning a WSGI server (wsgiref) to its first response. That
  request starts the startup hook, which pushes to the API in a background thread.

Cases: ``off`` (``SYNC_ON_STARTUP=False``), ``slow`` (every API answer takes 3 s) and
``down`` (the API drops every connection). The cases are interleaved, repeated
``--repeat`` times (default 15), and the medians compared: ``slow/off`` and ``down/off`` should be at
most 1.05. The script also checks that the hook really ran and reached the API.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "migrations_demo"
sys.path.insert(0, str(ROOT))

from healthcheck_admin.testing.emulator import CronitorEmulator  # noqa: E402

CASES = ("off", "slow", "down")
STEPS = ("check", "migrate", "first request")
TARGET = 1.05
Times = dict[str, dict[str, list[float]]]
HOOK_LINE = b"Healthcheck startup hook:"

SETTINGS = """
import os
from demo.settings import *  # noqa: F403
from demo.settings import HEALTHCHECKS
HEALTHCHECKS = {**HEALTHCHECKS, "SYNC_ON_STARTUP": os.environ["BENCH_SYNC_ON_STARTUP"] == "1",
                "BACKOFF_SECONDS": 0.2}
"""

SERVER = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
from django.core.wsgi import get_wsgi_application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

application = get_wsgi_application()
with make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=Quiet) as server:
    server.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=DEMO, env=env, capture_output=True, timeout=300)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.decode(errors='replace')}")
    return elapsed


def first_response(env: dict[str, str], log: Path, wait_for_hook: bool) -> float:
    """Seconds from spawning the server to its first response; then checks the hook ran."""
    port = free_port()
    with log.open("wb") as out:
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port)], cwd=DEMO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            elapsed = _poll(f"http://127.0.0.1:{port}/admin/login/", started)
            if wait_for_hook:
                _wait_for(log, HOOK_LINE, timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return elapsed


def _poll(url: str, started: float) -> float:
    while time.perf_counter() - started < 60:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.005)
    raise SystemExit(f"no response from {url} within 60 s")


def _wait_for(log: Path, needle: bytes, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while needle not in log.read_bytes():
        if time.monotonic() > deadline:
            raise SystemExit(f"the startup hook never logged {needle!r}; see {log}")
        time.sleep(0.05)


def run_case(case: str, emulator: CronitorEmulator, down_url: str, work: Path) -> dict[str, float]:
    db = work / f"{case}.sqlite3"
    db.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(work), str(DEMO), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DEMO_DB": str(db),
        "DEMO_DEBUG": "0",
        "CRONITOR_API_KEY": emulator.api_key,
        "CRONITOR_API_URL": down_url if case == "down" else emulator.url,
        "BENCH_SYNC_ON_STARTUP": "0" if case == "off" else "1",
    }
    manage = [sys.executable, "manage.py"]
    return {
        "check": timed([*manage, "check"], env),
        "migrate": timed([*manage, "migrate", "--verbosity", "0"], env),
        "first request": first_response(env, work / f"{case}.log", wait_for_hook=True),
    }


def table(label: str, stat: Callable[[list[float]], float], times: Times) -> float:
    """Print one table of ``stat`` per step and case, with the ratios; returns the worst ratio."""
    print(f"{label:<14}" + "".join(f"{case:>10}" for case in CASES) + f"{'slow/off':>10}{'down/off':>10}")
    worst = 0.0
    for step in STEPS:
        row = [stat(times[case][step]) for case in CASES]
        ratios = [row[1] / row[0], row[2] / row[0]]
        worst = max(worst, *ratios)
        print(f"{step:<14}" + "".join(f"{value:>10.3f}" for value in [*row, *ratios]))
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=15, help="runs per case (default 15); medians are compared"
    )
    args = parser.parse_args()
    times: Times = {case: {step: [] for step in STEPS} for case in CASES}
    with CronitorEmulator() as emulator, CronitorEmulator() as dead, tempfile.TemporaryDirectory() as tmp:
        emulator.set_latency(3.0)
        dead.set_down(True)
        work = Path(tmp)
        (work / "bench_settings.py").write_text(SETTINGS)
        for run in range(args.repeat):
            for case in CASES[run % 3 :] + CASES[: run % 3]:  # rotate, so that drift hits every case
                for step, seconds in run_case(case, emulator, dead.url, work).items():
                    times[case][step].append(seconds)
            print(f"run {run + 1}/{args.repeat} done", file=sys.stderr)
        pushed = len(emulator.monitor_puts())
        refused = len(dead.requests)
    print(f"{args.repeat} runs per case, seconds (API latency 3 s in 'slow', connections dropped in 'down')")
    worst = table("median", statistics.median, times)
    table("min", min, times)
    print(f"API requests during the runs: {pushed} batch PUTs to the slow API, {refused} to the down API")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"warning: load average {load:.1f} on {os.cpu_count()} CPUs; the timings are noisy")
    verdict = "OK" if worst <= TARGET else "SLOWER"
    print(f"worst ratio {worst:.3f} (target <= {TARGET}): {verdict}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
