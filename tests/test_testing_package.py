"""The shipped test kit as a package: no import circle, lazy exports, no Django behind the emulator."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from healthcheck_admin.testing import _validation

ROOT = Path(__file__).resolve().parent.parent
TESTING = ROOT / "healthcheck_admin" / "testing"
PREFIX = "healthcheck_admin.testing."


def _imports_of(path: Path) -> set[str]:
    """Every healthcheck_admin.testing module that ``path`` imports, TYPE_CHECKING blocks included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "healthcheck_admin.testing":
                found.update(f"{PREFIX}{alias.name}" for alias in node.names)
            elif node.module.startswith(PREFIX):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(PREFIX))
    return found


def _graph() -> dict[str, set[str]]:
    graph = {f"{PREFIX}{path.stem}": _imports_of(path) for path in TESTING.glob("*.py")}
    graph.pop(f"{PREFIX}__init__")  # the package itself only names its exports, lazily
    return {name: {m for m in deps if m in graph} for name, deps in graph.items()}


def test_the_test_kit_has_no_import_circle_even_for_type_checking():
    graph = _graph()
    assert f"{PREFIX}_api" in graph
    assert f"{PREFIX}_server" in graph
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, f"import circle: {' -> '.join([*visiting, name])}"
        if name in done:
            return
        visiting.append(name)
        for dependency in sorted(graph[name]):
            visit(dependency)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert f"{PREFIX}emulator" not in graph[f"{PREFIX}_api"] | graph[f"{PREFIX}_server"]


def _modules_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(out.stdout)
    return loaded


@pytest.mark.parametrize(
    "statement",
    [
        "import healthcheck_admin.testing.emulator",
        "from healthcheck_admin.testing import CronitorEmulator",
        "from healthcheck_admin.testing.emulator import CronitorEmulator; CronitorEmulator().start().stop()",
    ],
)
def test_importing_the_emulator_leaves_django_out(statement):
    loaded = _modules_after(statement)
    assert "healthcheck_admin.testing.emulator" in loaded
    assert "django.db" not in loaded
    assert not [name for name in loaded if name == "django" or name.startswith("django.")]


def test_the_package_exports_stay_lazy_and_work():
    loaded = _modules_after("import healthcheck_admin, healthcheck_admin.testing")
    assert "healthcheck_admin.routing" not in loaded
    assert "healthcheck_admin.testing.emulator" not in loaded
    assert "healthcheck_admin.testing.checks" not in loaded
    loaded = _modules_after("from healthcheck_admin import path, Healthcheck")
    assert "healthcheck_admin.routing" in loaded
    assert "django.urls" in loaded


def test_lazy_exports_name_what_is_missing():
    import healthcheck_admin
    import healthcheck_admin.testing

    assert set(healthcheck_admin.testing.__all__) == set(healthcheck_admin.testing._EXPORTS)
    assert set(healthcheck_admin.__all__) - {"__version__"} == set(healthcheck_admin._EXPORTS)
    with pytest.raises(AttributeError, match=r"'healthcheck_admin\.testing' has no attribute 'Nope'"):
        healthcheck_admin.testing.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="'healthcheck_admin' has no attribute 'Nope'"):
        healthcheck_admin.Nope  # noqa: B018
    assert healthcheck_admin.testing.CronitorEmulator.__name__ == "CronitorEmulator"


def test_the_emulator_shares_the_assertion_grammar_and_has_no_fallback_parser():
    assert not hasattr(_validation, "_project_parser")
    assert not hasattr(_validation, "_CHECK_ASSERTION_RE")
    # the project's grammar refuses what a loose regex took: the value of response.code is a status
    assert _validation._check_assertion_problem("response.code = banana")
    assert _validation._check_assertion_problem("response.code = 200") is None
    assert _validation._check_assertion_problem("response.json data.count > 10") is None


def test_the_docs_say_which_kind_of_fake_the_emulator_is():
    text = (ROOT / "docs" / "testing.rst").read_text()
    assert "shared-rules fake" in text
    assert "shared-rules fake" in (TESTING / "_validation.py").read_text()
    assert "shared-rules fake" in (TESTING / "emulator.py").read_text()


def test_no_test_kit_module_is_over_300_lines():
    sizes = {path.name: len(path.read_text().splitlines()) for path in TESTING.glob("*.py")}
    assert {name: size for name, size in sizes.items() if size > 300} == {}


def test_the_reference_section_lists_every_public_method_of_the_emulator():
    from healthcheck_admin.testing import CronitorEmulator

    text = (ROOT / "docs" / "testing.rst").read_text()
    block = text.split(".. autoclass:: healthcheck_admin.testing.emulator.CronitorEmulator")[1]
    members_text = block.split(":members:")[1].split("\n\n")[0]
    documented = {name.strip() for name in members_text.replace("\n", " ").split(",")}
    public = {
        name
        for name in dir(CronitorEmulator)
        if not name.startswith("_")
        and callable(getattr(CronitorEmulator, name))
        and name not in {"receive", "pause_for", "commit", "forget", "expire_pauses", "observe"}
        and name not in {"record_probe", "shown", "queue_fault"}
    }
    assert sorted(public - documented) == []
    assert sorted(name for name in documented if not hasattr(CronitorEmulator, name)) == []
