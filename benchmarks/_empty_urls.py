"""A URLconf without checks, so that benchmarks see only the rows they create."""

from __future__ import annotations

urlpatterns: list[object] = []
