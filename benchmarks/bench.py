"""ira30d benchmarks: determinations per second per backend, a multi-process batch, peak RSS,
import time and first-determination latency, and an optional soak.

    python benchmarks/bench.py                    # the standard run (about seven minutes)
    python benchmarks/bench.py --soak 1000000     # RSS over a long run in one process

Vehicles are a seeded synthetic fleet: 20 mineral procurement chains and 8 battery components
each, every case evaluated end to end from a JSON-like dict (validation, measures, rules,
explanation). Batches run twice: every vehicle with its own battery (the worst case), and a fleet
sharing a few battery designs, as a manufacturer's is. Not a test: it prints numbers and asserts
nothing.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import timeit
from typing import Any

COUNTRIES = ["US", "CA", "MX", "AU", "CL", "KR", "JP", "ID", "CD", "CN", "AR", "DE"]
MINERALS = ["lithium", "nickel", "cobalt", "graphite", "manganese"]
LEAVES = [  # a cell's six inner components; the cell and a module hold them
    "cathode_electrode",
    "anode_electrode",
    "separator",
    "liquid_electrolyte",
    "cathode_electrode",
    "anode_electrode",
]


def fleet(n: int, seed: int = 30, designs: int = 0) -> list[dict[str, Any]]:
    """``n`` vehicles, each with its own random battery; or, with ``designs``, each with one of that
    many battery designs (as a manufacturer's fleet file has), as separate dicts as parsed JSON
    is."""
    rnd = random.Random(seed)
    shared = (
        [json.dumps(v["vehicle"]["battery"]) for v in fleet(designs, seed + 1)] if designs else []
    )
    out = []
    for k in range(n):
        ents = [
            {
                "id": f"e{i}",
                "name": f"Supplier {i}",
                "incorporated_in": rnd.choice(COUNTRIES),
                "principal_place_of_business": rnd.choice(COUNTRIES),
                "government_board_share": "0",
                "government_voting_share": "0",
                "government_equity_share": rnd.choice(["0", "0.1", "0.3"]),
                "effective_control_license": False,
                "designated": False,
            }
            for i in range(4)
        ]
        chains = [
            {
                "id": f"m{i}",
                "mineral": rnd.choice(MINERALS),
                "value": str(rnd.randint(50, 900)),
                "stages": [
                    {
                        "activity": a,
                        "country": rnd.choice(COUNTRIES),
                        "entity": f"e{rnd.randrange(4)}",
                        "share": share,
                    }
                    for a in ("extraction", "processing")
                    for share in (rnd.choice(["1", "0.6", "0.5"]),)
                ],
            }
            for i in range(20)
        ]
        leaves = [
            {
                "id": f"c{i}",
                "kind": kind,
                "value": str(rnd.randint(100, 1500)),
                "country": rnd.choice(COUNTRIES),
                "entity": f"e{rnd.randrange(4)}",
            }
            for i, kind in enumerate(LEAVES)
        ]
        cell_value = sum(int(c["value"]) for c in leaves) + rnd.randint(100, 900)
        comps = leaves + [
            {
                "id": "cell",
                "kind": "battery_cell",
                "value": str(cell_value),
                "country": rnd.choice(COUNTRIES),
                "contains": [c["id"] for c in leaves],
            },
            {
                "id": "module",
                "kind": "battery_module",
                "value": str(cell_value + rnd.randint(100, 900)),
                "country": rnd.choice(COUNTRIES),
                "contains": ["cell"],
            },
        ]
        battery = (
            json.loads(rnd.choice(shared))
            if shared
            else {
                "capacity_kwh": "75",
                "mineral_chains": chains,
                "components": comps,
                "entities": ents,
            }
        )
        day = f"{rnd.choice([2023, 2024, 2025])}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        out.append(
            {
                "id": f"v{k}",
                "vehicle": {
                    "vin": f"BENCH{k:012d}",
                    "manufacturer": "Bench Motors",
                    "model": "B",
                    "model_year": 2024,
                    "epa_label_class": rnd.choice(["small_suv", "midsize", "standard_pickup"]),
                    "gvwr_lbs": 5000,
                    "qualified_manufacturer": True,
                    "final_assembly_country": rnd.choice(["US", "MX", "DE"]),
                    "msrp": {"base": str(rnd.randint(35000, 85000))},
                    "battery": battery,
                },
                "purchase": {
                    "binding_contract_date": day,
                    "first_payment_date": day,
                    "first_payment_kind": "deposit",
                    "sale_date": day,
                    "placed_in_service_date": day,
                    "seller_report": True,
                },
                "buyer": {
                    "current_year": {
                        "filing_status": "single",
                        "magi": str(rnd.randint(50000, 200000)),
                    },
                    "preceding_year": {
                        "filing_status": "single",
                        "magi": str(rnd.randint(50000, 200000)),
                    },
                },
            }
        )
    return out


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_second(rs: Any, cases: list[dict[str, Any]], seconds: float = 10.0) -> float:
    rs.evaluate(cases[0])
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for c in cases:
            rs.evaluate(c)
        n += len(cases)
    return n / (time.perf_counter() - start)


def drained(results: Any) -> tuple[int, float]:
    """How many results an iterator yields, and how many per second (the clock starts at the first
    pull)."""
    n, start = 0, time.perf_counter()
    for _ in results:
        n += 1
    return n, n / (time.perf_counter() - start)


def startup() -> tuple[float, float]:
    code = (
        "import time; t=time.perf_counter(); import ira30d; t1=time.perf_counter(); "
        "ira30d.evaluate(ira30d.example('full_credit_2024')); t2=time.perf_counter(); "
        "print(t1-t, t2-t1)"
    )
    runs = [
        tuple(map(float, subprocess.check_output([sys.executable, "-c", code], text=True).split()))
        for _ in range(5)
    ]
    return statistics.median(r[0] for r in runs) * 1000, statistics.median(
        r[1] for r in runs
    ) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--vehicles",
        type=int,
        default=200,
        help="distinct synthetic vehicles cycled in the timing loops",
    )
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--batch", type=int, default=40000, help="vehicles in the multi-process batch")
    ap.add_argument(
        "--designs", type=int, default=50, help="battery designs in the shared-design fleet"
    )
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--soak", type=int, default=0, help="evaluations in one process, printing RSS as it goes"
    )
    args = ap.parse_args()

    import ira30d
    from ira30d import RuleSet
    from ira30d._engines.backends import durable_available

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, ira30d {ira30d.__version__}")
    imp, first = startup()
    print(
        f"import ira30d: {imp:.0f} ms (target < 300); "
        f"first determination after import: {first:.0f} ms (target < 500)"
    )
    cases = fleet(args.vehicles)
    backends = ["python"] + (["durable"] if durable_available() else [])
    for b in backends:
        rs = RuleSet.load(backend=b)
        rate = per_second(rs, cases, args.seconds)
        target = 10000 if b == "python" else 2000
        print(
            f"backend {b:7}: {rate:8,.0f} determinations/s in one process "
            f"(target {target:,}/s); RSS {rss_mib():.0f} MiB"
        )

    from ira30d._models.inputs import Case

    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds / 2:
        for c in cases:
            Case.model_validate(c)
        n += len(cases)
    rate = n / (time.perf_counter() - start)
    print(
        f"pydantic validation of the input alone: {rate:8,.0f} vehicles/s in one process "
        f"({1e6 / rate:.0f} µs each: the ceiling for any backend)"
    )

    rs = RuleSet.load(backend="python")
    texts = [json.dumps(c) for c in cases]
    models = [Case.model_validate(c) for c in cases]
    outs = [rs.evaluate(m) for m in models]
    parts = {
        "parse JSON": lambda: [json.loads(t) for t in texts],
        "validate": lambda: [Case.model_validate(c) for c in cases],
        "input hash": lambda: [
            hashlib.sha256(m.model_dump_json().encode()).hexdigest() for m in models
        ],
        "JSON out": lambda: [d.to_json() for d in outs],
    }
    cost = {
        k: min(timeit.repeat(f, number=1, repeat=5)) / len(cases) * 1e6 for k, f in parts.items()
    }
    print(
        "fixed costs per vehicle on the JSON Lines path, before any measure or rule: "
        f"{sum(cost.values()):.0f} µs ("
        + ", ".join(f"{k} {v:.0f}" for k, v in cost.items())
        + f"): at most {1e6 / sum(cost.values()):,.0f} /s per core"
    )

    from ira30d._batch import evaluate_lines

    for label, designs in (
        ("unique batteries", 0),
        (f"{args.designs} battery designs", args.designs),
    ):
        batch = fleet(args.batch, seed=31 + bool(designs), designs=designs)
        lines = [json.dumps(c) for c in batch]
        # a file streamed from disk is never all in memory; this in-memory fleet (millions of
        # objects) is frozen so the collector does not rescan it, and forked workers share it
        gc.freeze()
        for b in backends:
            n, rate = drained(
                ira30d.evaluate_many(batch[: args.batch // 4], ruleset=RuleSet.load(backend=b))
            )
            print(
                f"{label}, evaluate_many {b:7}: {rate:8,.0f} determinations/s in one process "
                f"({n:,} vehicles)"
            )
        for b in backends:
            n, rate = drained(
                ira30d.evaluate_many(
                    batch, ruleset=RuleSet.load(backend=b), processes=args.processes
                )
            )
            print(
                f"{label}, batch {b:7}: {rate:8,.0f} determinations/s over {args.processes} "
                f"processes ({n:,} vehicles, "
                f"Determination objects back to the parent)"
            )
        for b in backends:
            n, rate = drained(
                evaluate_lines(lines, ruleset=RuleSet.load(backend=b), processes=args.processes)
            )
            print(
                f"{label}, JSON Lines {b:7}: {rate:8,.0f} determinations/s over {args.processes} "
                "processes, text in and out (the CLI's path); 1,000,000 vehicles would take "
                f"{1_000_000 / rate / 60:.1f} min (target < 2)"
            )
        del batch, lines
        gc.unfreeze()
        gc.collect()
    print(
        f"peak RSS of this process: {peak_mib():.0f} MiB "
        f"(it holds a {args.batch:,}-vehicle fleet as dicts and as JSON text)"
    )

    if args.soak:
        rs = RuleSet.load()
        step = max(args.soak // 10, 1)
        start = time.perf_counter()
        for i in range(args.soak):
            rs.evaluate(cases[i % len(cases)])
            if (i + 1) % step == 0:
                print(
                    f"soak ({rs.backend}): {i + 1:>9,} evaluations, RSS {rss_mib():.1f} MiB, "
                    f"{time.perf_counter() - start:.0f} s"
                )


if __name__ == "__main__":
    main()
