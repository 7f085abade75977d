"""The ``ira30d`` command: demo, evaluate, rules, schema.

>>> main(["rules"])  # doctest: +ELLIPSIS
termination                        gate         26 U.S.C. 30D(h), as amended by ...
...
0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from ira30d._api import default_ruleset, example, example_names, input_schema
from ira30d._batch import evaluate_lines, evaluate_many, read_cases
from ira30d._common.errors import Ira30dError
from ira30d._compare import compare
from ira30d._input import case_texts, cases_in
from ira30d._ruleset import RuleSet


def _cases(path: str) -> Iterator[Any]:
    """A JSON file (one case or a list) or JSON Lines (one case a line); '-' reads stdin."""
    if path == "-":
        yield from cases_in(sys.stdin, "<stdin>")
    else:
        yield from read_cases(path)


def _ruleset(args: argparse.Namespace) -> RuleSet:
    rs = default_ruleset() if args.rules is None else RuleSet.load(args.rules)
    if args.command == "compare":
        return rs
    if args.countries:
        rs = rs.with_countries(files=args.countries)
    for sc in args.scenario or []:
        rs = rs.scenario(sc)
    if args.add_country:
        rs = rs.with_countries(add={args.add_to: args.add_country})
    return rs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ira30d", description="Decide and explain the §30D clean vehicle credit."
    )
    parser.add_argument("--version", action="version", version=f"ira30d {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("demo", "evaluate the bundled example vehicles"),
        ("evaluate", "evaluate cases from a JSON or JSON Lines file"),
        ("compare", "compare cases under the baseline and scenarios"),
    ):
        p = sub.add_parser(name, help=helptext)
        if name != "demo":
            p.add_argument(
                "file",
                help="JSON (a case or a list) or JSON Lines; '-' for stdin; "
                "'examples' for the bundled fleet",
            )
        if name == "evaluate":
            p.add_argument(
                "--progress",
                action="store_true",
                help="show a progress bar on stderr (default: on a terminal)",
            )
            p.add_argument(
                "--processes",
                type=_at_least_one,
                default=1,
                help="spread the work over N processes (N >= 1)",
            )
        if name != "compare":
            p.add_argument(
                "--why-not",
                action="store_true",
                help="say what would flip each requirement not met",
            )
        p.add_argument("--json", action="store_true", help="print determinations as JSON Lines")
        p.add_argument("--method", choices=["value_added_50", "traced_qualifying_value"])
        p.add_argument(
            "--add-country",
            action="append",
            metavar="CODE",
            help="add a country (ISO alpha-2) to a list",
        )
        p.add_argument(
            "--add-to",
            default="cma_partners",
            metavar="LIST",
            help="list that --add-country adds to (default cma_partners)",
        )
        p.add_argument(
            "--countries",
            action="append",
            metavar="FILE",
            help="replace a country list from a YAML file",
        )
        p.add_argument(
            "--scenario",
            action="append",
            metavar="NAME",
            help="overlay a bundled scenario (uk_pact, eu_pact)",
        )
        p.add_argument(
            "--rules", metavar="DIR", help="a rule-set directory (default: the shipped rules)"
        )
    sub.add_parser("rules", help="list every rule with its citation")
    sub.add_parser("schema", help="print the input JSON Schema")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # the reader went away (| head): end quietly
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0
    except ValidationError as exc:
        print(f"ira30d: invalid input: {exc}", file=sys.stderr)
    except Ira30dError as exc:
        print(f"ira30d: error [{exc.code}]: {exc.message}", file=sys.stderr)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"ira30d: error: {exc}", file=sys.stderr)
    return 2


def _at_least_one(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _version() -> str:
    from ira30d import __version__

    return __version__


def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.command == "schema":
        json.dump(input_schema(), out, indent=2)
        out.write("\n")
        return 0
    if args.command == "rules":
        book = default_ruleset().book
        for r in book.requirements:
            out.write(f"{r.id:<34} {r.kind:<12} {r.citation}\n")
            for e in r.exceptions:
                out.write(f"  exception {e.id:<24} {e.citation}\n")
        for g in book.regimes:
            out.write(f"regime {g.id:<27} {'':<12} {g.citation}\n")
        out.write("\nNot modelled:\n")
        for nm in book.not_modelled:
            out.write(f"  {nm.topic}: {nm.reason}\n")
        return 0
    rs = _ruleset(args)
    bundled = args.command == "demo" or args.file == "examples"
    cases = (example(n) for n in example_names()) if bundled else _cases(args.file)
    if args.command == "compare":
        result = compare(cases, args.scenario or ["uk_pact", "eu_pact"], baseline=rs)
        if args.json:
            for row in result.rows:
                out.write(json.dumps(row, default=str) + "\n")
        else:
            out.write(str(result) + "\n")
        return 0
    if args.why_not:
        for case in cases:
            d = rs.evaluate(case, method=args.method, counterfactuals=True)
            out.write(d.to_json() + "\n" if args.json else d.explain() + "\n\n")
        return 0
    progress = getattr(args, "progress", False) or (
        args.command == "evaluate" and sys.stderr.isatty()
    )
    if getattr(args, "processes", 1) > 1 and not bundled and args.file != "-":
        with open(args.file, encoding="utf-8") as f:  # the workers parse the cases' JSON text
            for text in evaluate_lines(
                case_texts(f, args.file),
                ruleset=rs,
                method=args.method,
                processes=args.processes,
                as_json=args.json,
                progress=progress,
            ):
                out.write(text + "\n")
            return 0
    for d in evaluate_many(
        cases,
        ruleset=rs,
        method=args.method,
        processes=getattr(args, "processes", 1),
        progress=progress,
    ):
        out.write(d.to_json() + "\n" if args.json else d.explain() + "\n\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
