"""The object path's time per vehicle, phase by phase (issue 11's budgets): parse (JSON text to
dict), validate (pydantic), measures (facts, line items, display strings), rules (each engine),
findings and verdict, input hash, and JSON out; each phase timed on its own over the same 500
benchmark vehicles (unique batteries), after a warm-up, median of 5 rounds.

    python benchmarks/phases.py

Not a test: it prints microseconds per vehicle per phase, and the first determination after
import.
"""

from __future__ import annotations

import gc
import hashlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench import fleet  # noqa: E402

import ira30d  # noqa: E402
from ira30d._engines.backends import durable_available  # noqa: E402


def per_vehicle(
    items: list[Any], work: Callable[[Any], Any], rounds: int = 5, fresh: Any = None
) -> float:
    """Median microseconds per item of ``work`` over ``items`` (``fresh()`` before each round:
    empties a cache, so every item is measured as a first sight)."""
    for item in items[:20]:
        work(item)
    times = []
    for _ in range(rounds):
        if fresh:
            fresh()
        start = time.perf_counter()
        for item in items:
            work(item)
        times.append((time.perf_counter() - start) / len(items) * 1e6)
    return statistics.median(times)


def paused(run: Callable[[], float]) -> float:
    """``run()`` with Python's cyclic garbage collector paused: how much of a phase is the
    collector walking the objects alive (here the 500 cases, their models and results)."""
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def main() -> None:
    cases = fleet(500)
    texts = [json.dumps(c) for c in cases]
    rs = ira30d.RuleSet.load(backend="python")
    models = [ira30d.Case.model_validate(c) for c in cases]
    m = rs._measurer
    measured = [m.measure(c) for c in models]
    facts = [x.facts for x in measured]
    out: dict[str, float] = {
        "parse (json.loads)": per_vehicle(texts, json.loads),
        "validate (pydantic)": per_vehicle(cases, ira30d.Case.model_validate),
        "measures": per_vehicle(models, m.measure, fresh=m._batteries.clear),
        "measures, collector paused": paused(
            lambda: per_vehicle(models, m.measure, fresh=m._batteries.clear)
        ),
        "rules (python)": per_vehicle(facts, rs._backend.fire),
    }
    if durable_available():
        durable = ira30d.RuleSet.load(backend="durable")
        out["rules (durable)"] = per_vehicle(facts, durable._backend.fire)
    fired = [rs._backend.fire(f) for f in facts]
    pairs = list(zip(models, measured, fired, strict=True))
    out["findings"] = per_vehicle(pairs, lambda p: rs._finder.findings(*p))
    out["input hash"] = per_vehicle(
        models, lambda c: hashlib.sha256(c.model_dump_json().encode()).hexdigest()
    )
    determinations = [rs.evaluate(c) for c in models]
    out["JSON out"] = per_vehicle(determinations, lambda d: d.to_json())
    out["whole evaluate (dict in)"] = per_vehicle(cases, rs.evaluate)
    out["whole evaluate, collector paused"] = paused(lambda: per_vehicle(cases, rs.evaluate))
    for name, us in out.items():
        print(f"{name:<34} {us:8.0f} µs")
    code = (
        "import time; t=time.perf_counter(); import ira30d; t1=time.perf_counter(); "
        "ira30d.evaluate(ira30d.example('full_credit_2024')); print(time.perf_counter()-t1)"
    )
    first = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(3)]
    print(f"{'first determination':<34} {statistics.median(first) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
