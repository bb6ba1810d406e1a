"""Benchmark 4: SQL queries and time to upsert 100 and 10,000 code checks (target: constant queries).

Run: ``python benchmarks/bench_upsert.py`` (SQLite); with ``HEALTHCHECK_TEST_DB=postgres``
against the PostgreSQL server at 127.0.0.1:5432, in a database of its own (``create_schema``).
"""

from __future__ import annotations

from _common import create_schema, machine, setup_django, timed


def measure(count: int) -> dict[str, float]:
    from healthcheck_admin.models import HealthcheckDefinition
    from healthcheck_admin.upsert import upsert
    from tests.utils import count_queries, generated_specs

    HealthcheckDefinition.objects.all()._raw_delete(HealthcheckDefinition.objects.db)
    insert, update, same = (
        generated_specs(count),
        generated_specs(count, note="changed"),
        generated_specs(count, note="changed"),
    )
    with count_queries() as q_insert:
        t_insert = timed(lambda: upsert(insert), repeat=1)
    with count_queries() as q_update:
        t_update = timed(lambda: upsert(update), repeat=1)
    with count_queries() as q_same:
        t_same = timed(lambda: upsert(same), repeat=1)
    assert HealthcheckDefinition.objects.count() == count
    return {
        "insert_queries": len(q_insert),
        "insert_s": t_insert,
        "update_queries": len(q_update),
        "update_s": t_update,
        "unchanged_queries": len(q_same),
        "unchanged_s": t_same,
    }


def main() -> None:
    setup_django()
    create_schema()
    from django.db import connection

    small, large = measure(100), measure(10_000)
    print(f"bench_upsert on {connection.vendor} — {machine()}")
    print(
        f"{'case':<12}{'queries (100)':>15}{'queries (10k)':>15}{'ratio':>8}{'time 100':>12}{'time 10k':>12}"
    )
    for case in ("insert", "update", "unchanged"):
        q_small, q_large = small[f"{case}_queries"], large[f"{case}_queries"]
        print(
            f"{case:<12}{q_small:>15}{q_large:>15}{q_large / q_small:>8.2f}"
            f"{small[case + '_s'] * 1000:>10.1f}ms{large[case + '_s'] * 1000:>10.1f}ms"
        )
    constant = all(small[f"{c}_queries"] == large[f"{c}_queries"] for c in ("insert", "update", "unchanged"))
    print(f"query count constant in N: {'yes' if constant else 'NO'} (target: yes)")


if __name__ == "__main__":
    main()
