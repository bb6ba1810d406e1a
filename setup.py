"""All metadata lives in setup.cfg; the version is read from healthcheck_admin/__init__.py."""

from __future__ import annotations

from setuptools import setup

setup()
