"""Benchmark: ``collect`` of 100 routes x 10 variants vs 1,000 plain declared routes, in one run.

Target: ratio <= 3 (``collect`` stays O(variants)). A variant is reversed (under its language for
``locales=True``), where a plain route without parameters skips ``reverse()``: that is the ratio.
Both URLconfs are built in memory; medians of 11 runs of ``collect()`` each, with specs.

Run: ``python benchmarks/bench_variants.py``.
"""

from __future__ import annotations

import sys
import types

from _common import machine, setup_django, timed

ROUTES, VARIANTS, RUNS = 100, 10, 11


def urlconf(name: str, variants: bool) -> str:
    from django.http import HttpResponse

    from healthcheck_admin import Healthcheck, Variant, path

    def view(request: object, **kwargs: object) -> HttpResponse:
        return HttpResponse("ok")

    module = types.ModuleType(name)
    if variants:
        hosts = [f"h{n}.example.com" for n in range(VARIANTS)]
        tenants = [Variant(f"t{n}", kwargs={"slug": f"t{n}"}) for n in range(VARIANTS)]
        module.urlpatterns = [  # type: ignore[attr-defined]
            path(f"p{n}/", view, name=f"p{n}", healthcheck=Healthcheck(hosts=hosts))
            if n % 2
            else path(
                f"p{n}/<slug:slug>/", view, name=f"p{n}", healthcheck=Healthcheck(targets=lambda: tenants)
            )
            for n in range(ROUTES)
        ]
    else:
        count = ROUTES * VARIANTS
        module.urlpatterns = [  # type: ignore[attr-defined]
            path(f"p{n}/", view, name=f"p{n}", healthcheck=True) for n in range(count)
        ]
    sys.modules[name] = module
    return name


def main() -> None:
    setup_django()
    from healthcheck_admin.registry import collect

    base = urlconf("bench_plain_urls", variants=False)
    many = urlconf("bench_variant_urls", variants=True)
    assert len(collect(base).specs) == len(collect(many).specs) == ROUTES * VARIANTS
    plain = timed(lambda: collect(base), RUNS)
    varied = timed(lambda: collect(many), RUNS)
    print(machine())
    print(f"collect, {ROUTES * VARIANTS} plain routes: {plain * 1000:.1f} ms (median of {RUNS})")
    print(
        f"collect, {ROUTES} routes x {VARIANTS} variants: {varied * 1000:.1f} ms; ratio {varied / plain:.2f}"
    )


if __name__ == "__main__":
    main()
