"""The fleet engine's benchmark: a seeded fleet of N vehicles (20 mineral chains of 2-3 stages,
8 battery components with a containment tree, 4 suppliers each), written as Parquet tables,
decided column-wise from the Parquet files, results written as Parquet; then 2,000 vehicles of
the same fleet decided one by one by the object path in the same run, for the ratio.

    python benchmarks/fleet.py --vehicles 1000000

The last line printed is:
fleet: N vehicles in S s (R vehicles/s); object path P vehicles/s; ratio X; peak RSS M MiB

The fleet is generated in a child process, so the peak RSS is the deciding process's. Not a
test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench import COUNTRIES, LEAVES, MINERALS  # noqa: E402 - the object-path benchmark's fleet

CHUNK = 50_000


def generate(n: int, out: Path, seed: int = 30) -> None:
    """Write the fleet's six tables to ``out`` (row groups of CHUNK vehicles, sorted by row)."""
    import polars as pl
    import pyarrow.parquet as pq

    from ira30d._fleet.layout import SCHEMAS

    out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, pq.ParquetWriter] = {}
    rng = np.random.default_rng(seed)
    for lo in range(0, n, CHUNK):
        frames = _chunk(rng, lo, min(n, lo + CHUNK))
        for name, data in frames.items():
            table = (
                pl.DataFrame(data)
                .with_columns(
                    pl.lit(None, dtype=t).alias(c)
                    for c, t in SCHEMAS[name].items()
                    if c not in data
                )
                .select([pl.col(c).cast(t) for c, t in SCHEMAS[name].items()])
                .to_arrow()
            )
            if name not in writers:
                writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
            writers[name].write_table(table)
    for w in writers.values():
        w.close()


def _chunk(rng: np.random.Generator, lo: int, hi: int) -> dict[str, dict[str, object]]:
    n = hi - lo
    rows = np.arange(lo, hi)
    start = np.datetime64("2024-01-01")
    days = start + rng.integers(0, 640, n).astype("timedelta64[D]")  # 2024-01-01 .. 2025-10-01
    vehicles = {
        "row": rows,
        "case_id": [f"v{k}" for k in rows],
        "vin": [f"BENCH{k:012d}" for k in rows],
        "manufacturer": ["Bench Motors"] * n,
        "model": ["B"] * n,
        "model_year": [2024] * n,
        "epa_label_class": rng.choice(["small_suv", "midsize", "standard_pickup"], n),
        "gvwr_lbs": [5000] * n,
        "motor_vehicle": [True] * n,
        "qualified_manufacturer": [True] * n,
        "final_assembly_country": rng.choice(["US", "MX", "DE"], n),
        "msrp_base_cents": rng.integers(35000, 85000, n) * 100,
        **{
            f"msrp_{k}_cents": [0] * n
            for k in ("manufacturer_options", "destination", "dealer_addons")
        },
        "has_battery": [True] * n,
        "capacity_wh": [75000] * n,
        "externally_rechargeable": [True] * n,
        "impracticable_to_trace_election": [False] * n,
        "has_chains": [True] * n,
        "has_components": [True] * n,
        "has_purchase": [True] * n,
        "binding_contract_date": days,
        "first_payment_date": days,
        "first_payment_kind": ["deposit"] * n,
        "sale_date": days,
        "placed_in_service_date": days,
        "original_use": [True] * n,
        "for_resale": [False] * n,
        "seller_report": [True] * n,
        "has_buyer": [True] * n,
        "current_status": ["married_filing_jointly"] * n,
        "current_magi_cents": rng.integers(100_000, 400_000, n) * 100,
    }
    c_rows = np.repeat(rows, 20)
    chains = {
        "row": c_rows,
        "chain": np.tile(np.arange(20), n),
        "id": np.tile([f"m{i}" for i in range(20)], n),
        "mineral": rng.choice(MINERALS, n * 20),
        "value_cents": rng.integers(50, 900, n * 20) * 100,
    }
    stage_count = rng.integers(2, 4, n * 20)  # 2 or 3: extraction, processing, maybe recycling
    s_chain = np.repeat(np.arange(n * 20), stage_count)
    s_index = np.concatenate([np.arange(k) for k in stage_count]) if n else np.array([], int)
    activities = np.array(["extraction", "processing", "recycling"])[s_index]
    shares = np.array([1_000_000, 600_000, 500_000])
    stages = {
        "row": c_rows[s_chain],
        "chain": s_chain % 20,
        "stage": s_index,
        "activity": activities,
        "country": rng.choice(COUNTRIES, len(s_chain)),
        "entity": np.char.add("e", rng.integers(0, 4, len(s_chain)).astype(str)),
        "share_ppm": rng.choice(shares, len(s_chain)),
    }
    leaf_values = rng.integers(100, 1500, (n, 6))
    cell = leaf_values.sum(axis=1) + rng.integers(100, 900, n)
    module = cell + rng.integers(100, 900, n)
    values = np.column_stack([leaf_values, cell, module]) * 100
    components = {
        "row": np.repeat(rows, 8),
        "component": np.tile(np.arange(8), n),
        "id": np.tile([f"c{i}" for i in range(6)] + ["cell", "module"], n),
        "kind": np.tile(LEAVES + ["battery_cell", "battery_module"], n),
        "value_cents": values.ravel(),
        "country": rng.choice(COUNTRIES, n * 8),
        "entity": np.tile([f"e{i % 4}" for i in range(6)] + [None, None], n),
    }
    contains = {
        "row": np.repeat(rows, 7),
        "component": np.tile([6] * 6 + [7], n),
        "child": np.tile([f"c{i}" for i in range(6)] + ["cell"], n),
    }
    entities = {
        "row": np.repeat(rows, 4),
        "entity": np.tile(np.arange(4), n),
        "id": np.tile([f"e{i}" for i in range(4)], n),
        "name": np.tile([f"Supplier {i}" for i in range(4)], n),
        "incorporated_in": rng.choice(COUNTRIES, n * 4),
        "principal_place_of_business": rng.choice(COUNTRIES, n * 4),
        "government_board_ppm": [0] * (n * 4),
        "government_voting_ppm": [0] * (n * 4),
        "government_equity_ppm": rng.choice([0, 100_000, 300_000], n * 4),
        "effective_control_license": [False] * (n * 4),
        "designated": [False] * (n * 4),
    }
    return {
        "vehicles": vehicles,
        "chains": chains,
        "stages": stages,
        "components": components,
        "contains": contains,
        "entities": entities,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, help="default: the library's")
    parser.add_argument(
        "--tables", type=Path, help="keep the generated tables here (reused when present)"
    )
    args = parser.parse_args()
    import polars as pl

    import ira30d
    from ira30d._fleet.cases import to_cases
    from ira30d._fleet.tables import NAMES, Tables

    def rs_eval(case: dict) -> object:
        return ira30d.evaluate(case)

    with tempfile.TemporaryDirectory() as tmp:
        tables, results = args.tables or Path(tmp) / "tables", Path(tmp) / "results.parquet"
        fresh = not (tables / "vehicles.parquet").is_file()
        if not fresh:
            have = pl.scan_parquet(tables / "vehicles.parquet").select(pl.len()).collect().item()
            fresh = have != args.vehicles
        if fresh:
            t0 = time.perf_counter()
            child = multiprocessing.get_context("spawn").Process(
                target=generate, args=(args.vehicles, tables)
            )
            child.start()
            child.join()
            print(
                f"generated {args.vehicles:,} vehicles in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
        ira30d.default_ruleset()  # loaded before the clock starts, as in a long-running service
        t0 = time.perf_counter()
        options = {"batch_size": args.batch_size} if args.batch_size else {}
        r = ira30d.evaluate_fleet(tables, **options)
        r.frame.write_parquet(results)
        seconds = time.perf_counter() - t0
        counts = r.frame.group_by("verdict", "engine").len().sort("verdict", "engine").rows()
        print(f"verdicts and engines: {counts}", file=sys.stderr)
        rng = np.random.default_rng(1)
        rows = sorted(rng.choice(args.vehicles, min(args.sample, args.vehicles), replace=False))
        keep = pl.col("row").is_in(rows)
        sample = Tables(
            **{n: pl.scan_parquet(tables / f"{n}.parquet").filter(keep).collect() for n in NAMES}
        )
        cases = to_cases(sample, rows)
        want = r.frame.filter(keep).sort("row")
        got = [rs_eval(c) for c in cases]
        same = sum(
            (d.verdict, d.amount) == (w["verdict"], w["amount"] and w["amount"].normalize())
            for d, w in zip(got, want.to_dicts(), strict=True)
        )
        print(f"sample: {same} of {len(cases)} agree with the object path", file=sys.stderr)
        rs = ira30d.default_ruleset()
        t1 = time.perf_counter()
        for c in cases:
            rs.evaluate(c)
        per_second = len(cases) / (time.perf_counter() - t1)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = args.vehicles / seconds
    print(
        f"fleet: {args.vehicles} vehicles in {seconds:.1f} s ({rate:,.0f} vehicles/s); "
        f"object path {per_second:,.0f} vehicles/s; ratio {rate / per_second:,.0f}; "
        f"peak RSS {rss:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
