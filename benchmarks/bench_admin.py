"""Benchmark 5: admin changelist queries with 10 and 10,000 rows (target: constant, <= 8).

Run: ``python benchmarks/bench_admin.py``
"""

from __future__ import annotations

from _common import create_schema, machine, setup_django, timed


def fill(count: int) -> None:
    from healthcheck_admin.models import HealthcheckDefinition

    HealthcheckDefinition.objects.all()._raw_delete(HealthcheckDefinition.objects.db)
    HealthcheckDefinition.objects.bulk_create(
        (
            HealthcheckDefinition(
                key=f"bench-{n}", name=f"Check {n}", url=f"https://example.com/{n}/", tags=[f"team-{n % 7}"]
            )
            for n in range(count)
        ),
        batch_size=500,
    )


def measure(client: object, count: int) -> tuple[int, float]:
    from django.urls import reverse

    from tests.utils import count_queries

    fill(count)
    url = reverse("admin:healthcheck_admin_healthcheckdefinition_changelist")
    with count_queries() as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    seconds = timed(lambda: client.get(url), repeat=3)  # type: ignore[attr-defined]
    return len(queries), seconds


def main() -> None:
    setup_django()
    create_schema()
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.create_superuser("bench", "bench@example.com", "pw")
    client = Client()
    client.force_login(user)
    small_q, small_t = measure(client, 10)
    large_q, large_t = measure(client, 10_000)
    print(f"bench_admin — changelist, 50 rows a page — {machine()}")
    print(f"  10 rows:     {small_q} queries, {small_t * 1000:7.1f} ms")
    print(f"  10,000 rows: {large_q} queries, {large_t * 1000:7.1f} ms")
    print(f"  query ratio: {large_q / small_q:.2f} (target: 1.00, and <= 8 queries)")


if __name__ == "__main__":
    main()
