"""Benchmark 6: ``healthchecks run`` — 200 checks x 100 ms latency at ``--concurrency 20``.

Ideal: 200 / 20 x 0.1 s = 1.0 s; target ratio <= 1.3. The baseline measured in the same run
is 200 bare ``requests.get`` calls from a 20-thread pool against the same server. The slow
endpoint runs in its own process, so the runner's threads do not compete with it for the GIL.

Run: ``python benchmarks/bench_run.py``
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from _common import create_schema, machine, setup_django

CHECKS, CONCURRENCY, LATENCY = 200, 20, 0.1

SERVER = """
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_GET(self):
        time.sleep(float(sys.argv[1]))
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

class Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True

server = Server(("127.0.0.1", 0), Slow)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def main() -> None:
    setup_django()
    create_schema()
    import requests
    from django.core.management import call_command
    from django.test import override_settings

    from healthcheck_admin.models import HealthcheckDefinition

    server = subprocess.Popen([sys.executable, "-c", SERVER, str(LATENCY)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        HealthcheckDefinition.objects.bulk_create(
            HealthcheckDefinition(
                key=f"run-{n}", url=f"{base}/check/{n}", assertions=["response.json status = ok"]
            )
            for n in range(CHECKS)
        )

        def fetch(n: int) -> int:
            return requests.get(f"{base}/check/{n}", timeout=5).status_code

        start = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            assert set(pool.map(fetch, range(CHECKS))) == {200}
        baseline = time.perf_counter() - start

        settings = {"HOSTNAME": "example.com", "RUN_ALLOWED_HOSTS": ["127.0.0.1"], "SYNC_ON_STARTUP": False}
        with override_settings(HEALTHCHECKS=settings, ROOT_URLCONF="benchmarks._empty_urls"):
            start = time.perf_counter()
            call_command(
                "healthchecks", "run", "--source", "admin", "--concurrency", str(CONCURRENCY), verbosity=0
            )
            wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    ideal = CHECKS / CONCURRENCY * LATENCY
    print(f"bench_run — {CHECKS} checks x {LATENCY * 1000:.0f} ms at concurrency {CONCURRENCY} — {machine()}")
    print(f"  ideal:                         {ideal:6.2f} s")
    print(f"  baseline (bare requests pool): {baseline:6.2f} s  ratio to ideal {baseline / ideal:.2f}")
    print(
        f"  healthchecks run:              {wall:6.2f} s  ratio to ideal {wall / ideal:.2f} (target <= 1.3)"
    )
    print(f"  run vs baseline:               {wall / baseline:.2f}")


if __name__ == "__main__":
    main()
