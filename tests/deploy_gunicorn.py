"""gunicorn serving the demo on a free port, for the deploy harness (tests/deploy_harness.py)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "migrations_demo"
WORKERS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """``gunicorn -c migrations_demo/gunicorn.conf.py`` with N workers on a free port."""

    def __init__(self, env: Mapping[str, str], log_path: Path, workers: int = WORKERS) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.workers = workers
        self._log = log_path.open("wb")
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEMO / "gunicorn.conf.py")]
        command += ["--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command,
            cwd=DEMO,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str | re.Pattern[str], count: int, timeout: float) -> None:
        """Until ``pattern`` occurs ``count`` times in the log; raises with the log after ``timeout``."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while len(regex.findall(self.log())) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                found = len(regex.findall(self.log()))
                raise AssertionError(
                    f"gunicorn logged {regex.pattern!r} {found} of {count} times "
                    f"(exit code {self.process.returncode}); log:\n{self.log()}"
                )
            time.sleep(0.05)

    def get(self, path: str) -> int:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            response.read()
            return int(response.status)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the process group if the graceful stop takes over 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
