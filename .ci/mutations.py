"""Apply each mutation the code-health issue names, and check that some test fails on it.

Run from the repository root: ``python .ci/mutations.py`` (``make mutations``). Each mutation
rewrites one line of the package in place, runs the tests that pin it, and restores the file, even
on Ctrl-C. The script exits 1 if any mutant survives (every selected test passed with it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple


class Mutant(NamedTuple):
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


SHORTCUTS = ("tests/test_shortcuts.py", "tests/test_registry.py")
MUTANTS = (
    Mutant(
        "registry._static_path without reverse()'s quoting",
        "healthcheck_admin/registry.py",
        'path = quote(get_script_prefix() + route, safe=RFC3986_SUBDELIMS + "/~:@")',
        "path = get_script_prefix() + route",
        SHORTCUTS,
    ),
    Mutant(
        "registry._static_path without reverse()'s '//' rule",
        "healthcheck_admin/registry.py",
        'return "/%2F" + path.removeprefix("//") if path.startswith("//") else path',
        "return path",
        SHORTCUTS,
    ),
    Mutant(
        "KeyMaker's fast path with a blank ENVIRONMENT",
        "healthcheck_admin/keys.py",
        'key = f"{environment}.{name}" if environment and name else environment or name',
        'key = f"{environment}.{name}"',
        SHORTCUTS,
    ),
    Mutant(
        "KeyMaker's fast path without the length rule",
        "healthcheck_admin/keys.py",
        "            if len(key) <= MAX_KEY:\n                return key",
        "            return key",
        SHORTCUTS,
    ),
    Mutant(
        "429 made permanent",
        "healthcheck_admin/backends/http.py",
        "permanent = 400 <= status < 500 and status != 429",
        "permanent = 400 <= status < 500",
        ("tests/test_transport.py", "tests/test_sync_faults.py", "tests/test_fault_matrix.py"),
    ),
    Mutant(
        "cookies masked only when they are env: references",
        "healthcheck_admin/redaction.py",
        "def masks_cookie(name: str, value: object) -> bool:\n"
        '    """Whether the stored cookie ``name=value`` is shown as :data:`MASK`: always."""\n'
        "    return True",
        "def masks_cookie(name: str, value: object) -> bool:\n    return is_reference(value)",
        ("tests/test_redaction.py",),
    ),
    Mutant(
        "save() dropping the sync columns it was given",
        "healthcheck_admin/models.py",
        "        super().save(*args, **kwargs)",
        "        if kwargs.get('update_fields') is None and not self._state.adding:\n"
        "            kwargs['update_fields'] = [f.name for f in self._meta.concrete_fields\n"
        "                                       if not f.primary_key and f.name not in SYNC_FIELDS]\n"
        "        super().save(*args, **kwargs)",
        ("tests/test_bookkeeping.py",),
    ),
)


def pytest(tests: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603


def survives(mutant: Mutant) -> bool:
    path = Path(mutant.path)
    original = path.read_text()
    if original.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: the line to mutate is not in {mutant.path} exactly once")
    try:
        path.write_text(original.replace(mutant.old, mutant.new))
        result = pytest(mutant.tests)
    finally:
        path.write_text(original)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-200:]
    if result.returncode not in (0, 1):  # 1: tests failed; anything else is a broken run, not a kill
        raise SystemExit(f"{mutant.name}: pytest exited {result.returncode}: {summary}")
    print(f"{'SURVIVED' if result.returncode == 0 else 'killed  '}  {mutant.name}: {summary}")
    return result.returncode == 0


def main() -> int:
    selected = tuple(dict.fromkeys(test for mutant in MUTANTS for test in mutant.tests))
    baseline = pytest(selected)
    if baseline.returncode != 0:
        print(baseline.stdout[-2000:], baseline.stderr[-2000:])
        raise SystemExit("the unmutated tests fail: nothing to measure")
    survivors = [mutant.name for mutant in MUTANTS if survives(mutant)]
    print(f"{len(MUTANTS) - len(survivors)} of {len(MUTANTS)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
