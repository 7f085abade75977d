"""The ``ira30d fleet`` and ``ira30d tables`` commands: the columnar engine on the command line.

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> fleet_parsers(p.add_subparsers(dest="command"))
>>> p.parse_args(["fleet", "cases.jsonl", "out.parquet", "--batch-size", "10"]).batch_size
10
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ira30d._cli_options import at_least_one, law_options, ruleset_of, scenarios

OK, SOME_FAILED = 0, 1


def fleet_parsers(sub: Any) -> None:
    """Add ``fleet`` and ``tables`` to the command's subparsers."""
    fleet = sub.add_parser(
        "fleet",
        help="decide a fleet column-wise (Parquet out; pip install 'ira30d[fleet]')",
        description="Decide a fleet with the columnar engine: one row per vehicle (verdict, "
        "amount, every requirement's status) written to OUT.",
    )
    fleet.add_argument(
        "source",
        help="a directory of fleet tables (see 'ira30d tables'), a JSON / JSON Lines case "
        "file, or a Parquet file with a 'case' column",
    )
    fleet.add_argument("out", help="results file: .parquet, .csv or .jsonl")
    law_options(fleet, scenarios())
    fleet.add_argument(
        "--batch-size",
        type=at_least_one,
        default=None,
        metavar="N",
        help="vehicles decided together (default 25,000, two batches at once; bounds memory)",
    )
    fleet.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a progress bar on stderr (default: when stderr is a terminal)",
    )
    tables = sub.add_parser(
        "tables",
        help="convert a case file to the fleet's Parquet tables",
        description="Write the six fleet tables (vehicles, chains, stages, components, "
        "contains, entities) of a JSON / JSON Lines case file to DIR as Parquet.",
    )
    tables.add_argument("source", help="one case as JSON, a JSON array, or JSON Lines")
    tables.add_argument("dir", help="directory to write the tables to")
    for command in (fleet, tables):
        command.add_argument(
            "--processes",
            type=at_least_one,
            default=None,
            metavar="N",
            help="worker processes reading a case file (default: JSON Lines is read in this "
            "process, column-wise in two threads; a JSON array in 2 processes)",
        )


def run_fleet(args: argparse.Namespace) -> int:
    """Run ``ira30d fleet`` or ``ira30d tables``; the exit status."""
    from ira30d._fleet_api import evaluate_fleet, fleet_tables

    if args.command == "tables":
        t = fleet_tables(args.source, processes=_processes(args))
        t.write(args.dir)
        bad = t.vehicles.filter(t.vehicles["error"].is_not_null())
        for row in bad.iter_rows(named=True):
            print(f"ira30d: case[{row['row']}]: {row['error']}", file=sys.stderr)
        print(f"{t.vehicles.height:,} vehicles -> {args.dir}", file=sys.stderr)
        return SOME_FAILED if bad.height else OK
    show = sys.stderr.isatty() if args.progress is None else args.progress
    r = evaluate_fleet(
        args.source,
        ruleset=ruleset_of(args),
        method=args.method,
        progress=show,
        processes=_processes(args),
        **({"batch_size": args.batch_size} if args.batch_size else {}),
    )
    frame = r.frame
    if args.out.endswith(".parquet"):
        frame.write_parquet(args.out)
    elif args.out.endswith(".csv"):
        frame.write_csv(args.out)
    else:
        frame.write_ndjson(args.out)
    errors = frame.filter(frame["verdict"] == "error")
    for row in errors.iter_rows(named=True):
        print(f"ira30d: case[{row['row']}]: {row['error']}", file=sys.stderr)
    counts = frame.group_by("verdict").len().sort("verdict").rows()
    summary = ", ".join(f"{n:,} {v.replace('_', ' ')}" for v, n in counts)
    print(f"{frame.height:,} vehicles: {summary} -> {args.out}", file=sys.stderr)
    return SOME_FAILED if errors.height else OK


def _processes(args: argparse.Namespace) -> int:
    """The worker processes asked for; by default none for JSON Lines read column-wise (in
    threads: faster than processes, which send blocks and tables back and forth) and two for
    any other case file, or JSON Lines whose first case the models must read (decimals written
    as JSON numbers, say): the models read faster in two processes."""
    if args.processes is not None:
        return int(args.processes)
    from ira30d._fleet.ingest import json_lines
    from ira30d._fleet.jsonl import reads_column_wise

    source = Path(args.source)
    columns = source.is_file() and json_lines(source) and reads_column_wise(source)
    return 1 if columns else 2
