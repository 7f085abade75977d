"""The JSON Lines benchmark: a seeded file of N benchmark cases (the object-path benchmark's
fleet: 20 mineral chains of 2-3 stages, 8 components and 4 suppliers a vehicle, about 6 KB a
line) decided by ``ira30d fleet cases.jsonl results.parquet`` as a user runs it (a child
process); then a sample of the same lines read case by case by the models (the reader the
column-wise one stands in for) and decided, in this process, for the ratio, and checked to give
the same results.

    python benchmarks/jsonl.py --vehicles 1000000

The last line printed is:
jsonl: N vehicles in S s (R vehicles/s); case by case P vehicles/s; ratio X; peak RSS M MiB

Not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import fleet  # noqa: E402 - the object-path benchmark's fleet

CHUNK = 20_000


def generate(n: int, out: Path, seed: int = 30) -> None:
    """Write ``n`` benchmark cases to ``out``, one a line, each with its own id and VIN."""
    with out.open("w") as f:
        for k, lo in enumerate(range(0, n, CHUNK)):
            for i, case in enumerate(fleet(min(CHUNK, n - lo), seed=seed + k), lo):
                case["id"], case["vehicle"]["vin"] = f"v{i}", f"BENCH{i:012d}"
                f.write(json.dumps(case, separators=(",", ":")) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--cases", type=Path, help="keep the generated file here (reused)")
    args = parser.parse_args()
    import polars as pl

    import ira30d
    from ira30d._fleet.tables import to_tables

    with tempfile.TemporaryDirectory() as tmp:
        cases, results = args.cases or Path(tmp) / "cases.jsonl", Path(tmp) / "results.parquet"
        lines = sum(1 for _ in cases.open()) if cases.is_file() else 0
        if lines != args.vehicles:
            t0 = time.perf_counter()
            generate(args.vehicles, cases)
            took = time.perf_counter() - t0
            print(f"generated {args.vehicles:,} cases in {took:.1f} s", file=sys.stderr)
        t0 = time.perf_counter()
        run = subprocess.run(
            ["ira30d", "fleet", str(cases), str(results), "--no-progress"],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t0
        print(run.stderr.strip().splitlines()[-1], file=sys.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        frame = pl.read_parquet(results)

        with cases.open() as f:
            sample = list(islice(f, min(args.sample, args.vehicles)))
        t0 = time.perf_counter()
        by_models = ira30d.evaluate_fleet(to_tables(sample)).frame
        models = len(sample) / (time.perf_counter() - t0)
        same = by_models.equals(frame.head(len(sample)))
        print(f"sample: {len(sample):,} read case by case give the same results: {same}")

    rate = args.vehicles / seconds
    print(
        f"jsonl: {args.vehicles} vehicles in {seconds:.1f} s ({rate:,.0f} vehicles/s); "
        f"case by case {models:,.0f} vehicles/s; ratio {rate / models:.1f}; "
        f"peak RSS {peak:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
