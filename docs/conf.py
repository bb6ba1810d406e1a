"""Sphinx configuration. Build with ``tox -e docs`` (``sphinx-build -W``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

import healthcheck_admin  # noqa: E402 - needs django.setup() first

project = "healthcheck_admin"
author = "healthcheck_admin contributors"
copyright = "healthcheck_admin contributors"
version = healthcheck_admin.__version__
release = healthcheck_admin.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode"]
# No network here or in CI: no intersphinx.
nitpicky = False
exclude_patterns = ["_build"]
root_doc = "index"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}

html_theme = "furo"
html_title = f"healthcheck_admin {release}"
html_static_path = ["_static"]
