"""The docs must not drift from the code: check IDs, settings and the toctree."""

from __future__ import annotations

import re
from pathlib import Path

import healthcheck_admin
from healthcheck_admin.conf import DEFAULTS

DOCS = Path(__file__).resolve().parent.parent / "docs"
PACKAGE = Path(healthcheck_admin.__file__).resolve().parent

# An ID is written in full ("healthcheck_admin.E001"), as a quoted suffix ("E001") that
# checks.py prefixes, or after the prefix in an f-string (f"{PREFIX}.W001").
ID_IN_SOURCE = re.compile(r"""(?:healthcheck_admin\.|["'.])([EW]\d{3})\b""")
ID_HEADING = re.compile(r"^``healthcheck_admin\.([EW]\d{3})``\n~{3,}$", re.MULTILINE)
SETTING_HEADING = re.compile(r"^``([A-Z][A-Z0-9_]*)``\n~{3,}$", re.MULTILINE)


def source_check_ids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        found.update(ID_IN_SOURCE.findall(path.read_text(encoding="utf-8")))
    return found


def documented_check_ids() -> set[str]:
    return set(ID_HEADING.findall((DOCS / "checks.rst").read_text(encoding="utf-8")))


def setting_sections() -> dict[str, str]:
    text = (DOCS / "settings.rst").read_text(encoding="utf-8")
    matches = list(SETTING_HEADING.finditer(text))
    sections = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        sections[match.group(1)] = text[match.end() : end]
    return sections


def toctree_entries() -> list[str]:
    entries = []
    in_toctree = False
    for line in (DOCS / "index.rst").read_text(encoding="utf-8").splitlines():
        if line.startswith(".. toctree::"):
            in_toctree = True
        elif in_toctree and line and not line[0].isspace():
            in_toctree = False
        elif in_toctree and line.strip() and not line.strip().startswith(":"):
            entries.append(line.strip())
    return entries


def test_source_scan_finds_the_known_ids():
    known = {"E001", "E002", "E003", "E004", "E005", "E010", "E011", "E012", "E013", "W001"}
    assert known <= source_check_ids()


def test_every_check_id_is_documented():
    missing = source_check_ids() - documented_check_ids()
    assert not missing, f"add these IDs to docs/checks.rst: {sorted(missing)}"


def test_no_documented_check_id_is_unknown():
    unknown = documented_check_ids() - source_check_ids()
    assert not unknown, f"docs/checks.rst documents IDs the package never emits: {sorted(unknown)}"


def test_every_setting_is_documented():
    missing = set(DEFAULTS) - set(setting_sections())
    assert not missing, f"add these settings to docs/settings.rst: {sorted(missing)}"


def test_no_documented_setting_is_unknown():
    unknown = set(setting_sections()) - set(DEFAULTS)
    assert not unknown, f"docs/settings.rst documents unknown settings: {sorted(unknown)}"


def test_documented_defaults_match_the_code():
    sections = setting_sections()
    wrong = {
        name: value
        for name, value in DEFAULTS.items()
        if name in sections and f"Default: ``{value!r}``" not in sections[name]
    }
    assert not wrong, f"docs/settings.rst shows other defaults than conf.DEFAULTS for: {wrong}"


def test_toctree_lists_every_page():
    pages = {path.stem for path in DOCS.glob("*.rst")} - {"index"}
    listed = toctree_entries()
    assert pages - set(listed) == set(), "pages missing from the toctree in docs/index.rst"
    assert set(listed) - pages == set(), "toctree entries without a page in docs/"
    assert len(listed) == len(set(listed)), "a page is listed twice"
