"""Benchmark 3: ``manage.py check`` with 1,000 declared checks vs the same project on plain ``path()``.

Target: ratio <= 1.05. A third row checks 100 routes x 10 variants (``hosts=``, the same 1,000
monitors), against the same plain project. Each project runs in fresh processes (import,
django.setup(), every system check including ours, which walks the URLconf and reverses every
declared route); medians of 11 interleaved runs.

Then the scale rows: 1,000 and 10,000 routes (100,000 with ``--large``, 3 runs) where 1 route in
10 takes a kwarg (``p<n>/<int:pk>/``, declared with ``kwargs``), against the same URLconf on plain
``path()``. Target: ratio <= 1.05 at 1,000 and 10,000, <= 1.2 at 100,000.

Run: ``python benchmarks/bench_check.py [--instructions] [--large]``; ``--instructions`` also counts
the instructions of one run of each 1,000-route project under valgrind's callgrind (about a minute
each), a figure that other load on the machine cannot move.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

COUNT = 1000
RUNS = 11
COUNT_INSTRUCTIONS = "--instructions" in sys.argv
SCALE = [(1000, RUNS), (10000, 5), *([(100000, 3)] if "--large" in sys.argv else [])]

URLS = """
from django.http import HttpResponse
from {module} import path

def view(request, **kwargs):
    return HttpResponse("ok")

urlpatterns = [
{patterns}
]
"""

SETTINGS = """
from tests.settings import *  # noqa: F403
ROOT_URLCONF = "{urlconf}"
"""


def write_project(folder: Path, name: str, healthchecks: bool) -> str:
    module = "healthcheck_admin" if healthchecks else "django.urls"
    extra = ', healthcheck={"assertions": ["response.code = 200"]}' if healthchecks else ""
    patterns = "\n".join(f'    path("p{n}/", view, name="p{n}"{extra}),' for n in range(COUNT))
    (folder / f"{name}_urls.py").write_text(URLS.format(module=module, patterns=patterns))
    (folder / f"{name}_settings.py").write_text(SETTINGS.format(urlconf=f"{name}_urls"))
    return f"{name}_settings"


def write_mixed_project(folder: Path, name: str, healthchecks: bool, count: int) -> str:
    """``count`` routes, every tenth with an ``<int:pk>`` kwarg that its declaration gives."""
    module = "healthcheck_admin" if healthchecks else "django.urls"
    lines = []
    for n in range(count):
        kwargs = n % 10 == 9
        extra = ""
        if healthchecks:
            given = f', "kwargs": {{"pk": {n}}}' if kwargs else ""
            extra = f', healthcheck={{"assertions": ["response.code = 200"]{given}}}'
        route = f"p{n}/<int:pk>/" if kwargs else f"p{n}/"
        lines.append(f'    path("{route}", view, name="p{n}"{extra}),')
    (folder / f"{name}_urls.py").write_text(URLS.format(module=module, patterns="\n".join(lines)))
    (folder / f"{name}_settings.py").write_text(SETTINGS.format(urlconf=f"{name}_urls"))
    return f"{name}_settings"


def scale_rows(folder: Path) -> list[tuple[int, int, float, float, float, float]]:
    """(routes, runs, plain wall, plain CPU, declared wall, declared CPU): medians, interleaved runs."""
    rows = []
    for count, runs in SCALE:
        plain = write_mixed_project(folder, f"plain{count}", False, count)
        declared = write_mixed_project(folder, f"declared{count}", True, count)
        run_check(folder, plain)
        run_check(folder, declared)
        plain_runs, declared_runs = [], []
        for _ in range(runs):
            plain_runs.append(run_check(folder, plain))
            declared_runs.append(run_check(folder, declared))
        medians = [
            statistics.median(r[i] for r in side) for side in (plain_runs, declared_runs) for i in (0, 1)
        ]
        rows.append((count, runs, *medians))
    return rows


def write_variants_project(folder: Path) -> str:
    """100 routes, each declared on 10 hosts: 1,000 monitors, as many as the other projects."""
    hosts = [f"h{n}.example.com" for n in range(10)]
    patterns = "\n".join(
        f'    path("p{n}/", view, name="p{n}", healthcheck={{"hosts": {hosts!r}}}),'
        for n in range(COUNT // 10)
    )
    (folder / "variants_urls.py").write_text(URLS.format(module="healthcheck_admin", patterns=patterns))
    (folder / "variants_settings.py").write_text(SETTINGS.format(urlconf="variants_urls"))
    return "variants_settings"


def check_env(folder: Path, settings: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": settings}
    # As deployed: modules load from their .pyc (the warm-up run writes them), not from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def instructions(folder: Path, settings: str) -> int | None:
    """Instructions executed by one ``manage.py check`` under callgrind: the same count every run."""
    if shutil.which("valgrind") is None:
        return None
    env = {**check_env(folder, settings), "PYTHONHASHSEED": "0"}
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "django",
    ]
    result = subprocess.run([*command, "check"], env=env, check=True, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


def run_check(folder: Path, settings: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one ``manage.py check`` process."""
    env = check_env(folder, settings)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "django", "check"], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = write_project(folder, "plain", healthchecks=False)
        declared = write_project(folder, "declared", healthchecks=True)
        variants = write_variants_project(folder)
        for settings in (plain, declared, variants):
            run_check(folder, settings)  # warm the file system caches and .pyc files
        plain_runs, declared_runs, variant_runs = [], [], []
        for _ in range(RUNS):  # interleaved, so drift on the machine hits all alike
            plain_runs.append(run_check(folder, plain))
            declared_runs.append(run_check(folder, declared))
            variant_runs.append(run_check(folder, variants))
        rows = scale_rows(folder)
        mixed = [f"{side}1000_settings" for side in ("plain", "declared")]
        counts = [instructions(folder, plain), instructions(folder, declared)] if COUNT_INSTRUCTIONS else []
        mixed_counts = [instructions(folder, settings) for settings in mixed] if COUNT_INSTRUCTIONS else []
    print(f"bench_check — {COUNT} routes, median of {RUNS} interleaved runs each — {machine()}")
    print(f"{'':34}{'wall':>10}{'CPU':>10}")
    for label, runs in (
        ("plain django.urls.path()", plain_runs),
        ("healthcheck_admin.path(...)", declared_runs),
        ("100 routes x 10 hosts= variants", variant_runs),
    ):
        wall, cpu = (statistics.median(run[i] for run in runs) for i in (0, 1))
        print(f"  {label:<32}{wall * 1000:8.1f}ms{cpu * 1000:8.1f}ms")
    wall_ratio, cpu_ratio = (
        statistics.median(d[i] for d in declared_runs) / statistics.median(p[i] for p in plain_runs)
        for i in (0, 1)
    )
    print(f"  ratio: wall {wall_ratio:.3f}, CPU {cpu_ratio:.3f} (target <= 1.05)")
    variant_wall, variant_cpu = (
        statistics.median(v[i] for v in variant_runs) / statistics.median(p[i] for p in plain_runs)
        for i in (0, 1)
    )
    print(f"  variants / plain: wall {variant_wall:.3f}, CPU {variant_cpu:.3f} (same 1,000 monitors)")
    print("  On a shared VM single runs spread by about 5 %: run it twice before trusting one ratio.")
    if counts and None not in counts:
        plain_count, declared_count = (int(count or 0) for count in counts)
        print(f"  instructions (callgrind): plain {plain_count:,}, declared {declared_count:,}")
        print(f"  ratio: {declared_count / plain_count:.3f} (the same on every run, whatever the load)")
    elif COUNT_INSTRUCTIONS:
        print("  instructions: valgrind is not installed")
    print("Scale: 1 route in 10 takes a kwarg; medians of interleaved runs (target 1.05, 1.2 at 100,000)")
    print(
        f"  {'routes':>8}{'runs':>6}{'plain wall':>12}{'CPU':>9}"
        f"{'declared wall':>15}{'CPU':>9}{'ratio wall':>12}{'CPU':>7}"
    )
    for count, runs, plain_wall, plain_cpu, wall, cpu in rows:
        print(
            f"  {count:>8,}{runs:>6}{plain_wall * 1000:10.0f}ms{plain_cpu * 1000:7.0f}ms"
            f"{wall * 1000:13.0f}ms{cpu * 1000:7.0f}ms{wall / plain_wall:12.3f}{cpu / plain_cpu:7.3f}"
        )
    if mixed_counts and None not in mixed_counts:
        plain_count, declared_count = (int(count or 0) for count in mixed_counts)
        ratio = declared_count / plain_count
        print(f"  1,000 mixed, instructions: plain {plain_count:,}, declared {declared_count:,}, {ratio:.3f}")


if __name__ == "__main__":
    main()
