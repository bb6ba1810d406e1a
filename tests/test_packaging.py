"""What ships: no missing migration, every subpackage and data file in the installed package.

tox runs the suite against the built wheel (``package = wheel``) and sets
``HEALTHCHECK_ADMIN_INSTALLED=1``; the tests then also prove that ``healthcheck_admin``
was imported from site-packages, not from the repository.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import healthcheck_admin

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "healthcheck_admin"
IMPORTED = Path(healthcheck_admin.__file__).resolve().parent
INSTALLED_RUN = os.environ.get("HEALTHCHECK_ADMIN_INSTALLED") == "1"


def shipped_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}
    }


@pytest.mark.django_db
def test_no_missing_migration():
    out = StringIO()
    call_command("makemigrations", "healthcheck_admin", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def test_package_is_imported_from_the_expected_place():
    if INSTALLED_RUN:
        assert IMPORTED != SOURCE, f"tests imported the source tree {IMPORTED}, not the installed wheel"
        assert "site-packages" in IMPORTED.parts, IMPORTED
    else:
        assert IMPORTED == SOURCE, (
            f"tests imported {IMPORTED}; set HEALTHCHECK_ADMIN_INSTALLED=1 for wheel runs"
        )


def test_every_directory_with_python_code_is_a_package():
    missing = sorted(
        path.parent.relative_to(REPO).as_posix()
        for path in SOURCE.rglob("*.py")
        if "__pycache__" not in path.parts and not (path.parent / "__init__.py").exists()
    )
    assert not missing, f"add an __init__.py to these directories, or the wheel leaves them out: {missing}"


def test_data_files_ship():
    files = shipped_files(IMPORTED)
    assert "py.typed" in files
    assert "migrations/0001_initial.py" in files
    assert any(name.startswith("templates/") and name.endswith(".html") for name in files)
    missing = shipped_files(SOURCE) - files
    assert not missing, f"files of the source tree missing from {IMPORTED}: {sorted(missing)}"
