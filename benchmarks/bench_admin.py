"""Benchmark 5: the admin changelist and a search at 10, 10,000 and 100,000 rows (<= 8 queries, < 300 ms).

Run: ``python benchmarks/bench_admin.py`` (``HEALTHCHECK_TEST_DB=postgres`` for PostgreSQL). The
benchmark fills a database of its own (``create_schema``) and drops it at exit.
"""

from __future__ import annotations

import sys

from _common import create_schema, machine, setup_django, timed

SIZES = (10, 10_000, 100_000)
PAGES = {"changelist": "", "search": "?q=check-77", "failing": "?health=failing", "tag": "?tag=team-3"}


def fill(count: int) -> None:
    from healthcheck_admin.models import HealthcheckDefinition

    HealthcheckDefinition.objects.all()._raw_delete(HealthcheckDefinition.objects.db)
    HealthcheckDefinition.objects.bulk_create(
        (
            HealthcheckDefinition(
                key=f"bench-{n}",
                name=f"Check {n}",
                url=f"https://example.com/{n}/",
                tags=[f"team-{n % 7}"],
                group=f"group-{n % 11}",
                health="failing" if n % 100 == 0 else "passing",
            )
            for n in range(count)
        ),
        batch_size=1000,
    )


def measure(client: object, url: str) -> tuple[int, float]:
    from tests.utils import count_queries

    with count_queries() as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    seconds = timed(lambda: client.get(url), repeat=5)  # type: ignore[attr-defined]
    return len(queries), seconds


def main() -> None:
    setup_django()
    create_schema()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    user = User.objects.create_superuser("bench", "bench@example.com", "pw")
    client = Client()
    client.force_login(user)
    base = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
    sizes = [int(arg) for arg in sys.argv[1:]] or SIZES
    print(f"bench_admin — changelist, 50 rows a page, {connection.vendor} — {machine()}")
    worst = 0
    for count in sizes:
        fill(count)
        for label, query in PAGES.items():
            queries, seconds = measure(client, base + query)
            worst = max(worst, queries)
            print(
                f"  {count:>7,} rows, {label:<10} {queries} queries, {seconds * 1000:7.1f} ms (median of 5)"
            )
    print(f"  most queries on a page: {worst} (target: <= 8, constant in rows; < 300 ms at 100,000)")


if __name__ == "__main__":
    main()
