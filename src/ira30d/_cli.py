"""The ``ira30d`` command: demo, evaluate, compare, rules, schema.

A batch keeps going past a case it cannot decide: the case's problems go to stderr, one line
each (and, with ``--json``, a failure record takes the case's place on stdout); the exit status
is 0 when every case was decided, 1 when some were not, 2 when the input or the options could
not be used at all. Nothing prints a traceback.

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
from typing import Any, TextIO

from ira30d._api import default_ruleset, example, example_names, input_schema
from ira30d._batch import evaluate_lines, evaluate_many, read_cases, total_of
from ira30d._cli_fleet import fleet_parsers, run_fleet
from ira30d._cli_options import at_least_one, law_options, ruleset_of, scenarios
from ira30d._common.errors import InputError, Ira30dError
from ira30d._compare import compare
from ira30d._failures import CaseFailure
from ira30d._progress import Progress
from ira30d._ruleset import RuleSet

OK, SOME_FAILED, UNUSABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ira30d",
        description="Decide and explain the §30D clean vehicle credit.",
        epilog="Exit status: 0 every case decided; 1 some cases could not be decided (each "
        "problem on stderr); 2 the input or the options could not be used.",
    )
    parser.add_argument("--version", action="version", version=f"ira30d {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, helptext in (
        ("demo", "evaluate the bundled example vehicles"),
        ("evaluate", "evaluate cases from a JSON, JSON array or JSON Lines file"),
        ("compare", "compare cases under the baseline and scenarios"),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        if name != "demo":
            p.add_argument(
                "file",
                help="one case as JSON, a JSON array, or JSON Lines; '-' for stdin; "
                "'examples' for the bundled fleet",
            )
        if name == "evaluate":
            p.add_argument(
                "--progress",
                action=argparse.BooleanOptionalAction,
                default=None,
                help="a progress bar on stderr (default: when stderr is a terminal)",
            )
            p.add_argument(
                "--processes",
                type=at_least_one,
                default=1,
                metavar="N",
                help="spread the work over N processes (N >= 1; default 1)",
            )
            p.add_argument(
                "--fail-fast",
                action="store_true",
                help="stop at the first case that cannot be decided (default: report it, go on)",
            )
        if name != "compare":
            p.add_argument(
                "--why-not",
                action="store_true",
                help="say what would flip each requirement not met (one process)",
            )
        p.add_argument(
            "--json", action="store_true", help="print one JSON record a line (JSON Lines)"
        )
        law_options(p, scenarios(), compare=name == "compare")
    sub.add_parser("rules", help="list every rule with its citation")
    sub.add_parser("schema", help="print the input JSON Schema")
    fleet_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _run(args, sys.stdout)
    except BrokenPipeError:  # the reader went away (| head): end quietly
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return OK
    except InputError as exc:
        where = f"case[{exc.case}]: " if exc.case is not None else ""
        for line in exc.lines():
            print(f"ira30d: error {where}{line}", file=sys.stderr)
    except Ira30dError as exc:
        print(f"ira30d: error [{exc.code}]: {exc.message}", file=sys.stderr)
    except OSError as exc:
        print(f"ira30d: error: {exc}", file=sys.stderr)
    return UNUSABLE


def _version() -> str:
    from ira30d import __version__

    return __version__


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "schema":
        json.dump(input_schema(), out, indent=2)
        out.write("\n")
        return OK
    if args.command == "rules":
        _rules(out)
        return OK
    if args.command in ("fleet", "tables"):
        return run_fleet(args)
    rs = ruleset_of(args)
    if args.command == "compare":
        result = compare(
            read_cases(_cases(args)),
            args.scenario or ["uk_pact", "eu_pact"],
            baseline=rs,
            method=args.method,
        )
        if args.json:
            for row in result.rows:
                out.write(json.dumps(row, default=str) + "\n")
        else:
            out.write(str(result) + "\n")
        return OK
    return _evaluate(args, rs, out)


def _bundled(args: argparse.Namespace) -> bool:
    return args.command == "demo" or args.file == "examples"


def _cases(args: argparse.Namespace) -> Any:
    """The bundled examples, stdin (a text stream), or a file path (read by the batch API)."""
    if _bundled(args):
        return [example(n) for n in example_names()]
    return sys.stdin if args.file == "-" else args.file


def _evaluate(args: argparse.Namespace, rs: RuleSet, out: TextIO) -> int:
    """Decide every case, in input order, going on past cases that cannot be decided."""
    source = _cases(args)
    show = getattr(args, "progress", None)
    if show is None:
        show = args.command == "evaluate" and sys.stderr.isatty()
    processes = getattr(args, "processes", 1)
    failed = 0
    with Progress.on(show, lambda: total_of(source)) as bar:
        if processes > 1 and not args.why_not and isinstance(source, str):
            results: Iterator[Any] = evaluate_lines(
                source,
                ruleset=rs,
                method=args.method,
                processes=processes,
                as_json=args.json,
                progress=bar,
            )
        else:
            results = evaluate_many(
                source,
                ruleset=rs,
                method=args.method,
                processes=processes,
                progress=bar,
                errors="report",
                counterfactuals=args.why_not,
            )
        for r in results:
            if isinstance(r, CaseFailure):
                failed += 1
                bar.emit("".join(f"ira30d: {line}\n" for line in r.lines()), sys.stderr)
                if args.json:
                    bar.emit(r.to_json() + "\n", out)
                if getattr(args, "fail_fast", False):
                    break
                continue
            text = r if isinstance(r, str) else r.to_json() if args.json else r.explain() + "\n"
            bar.emit(text + "\n", out)
    return SOME_FAILED if failed else OK


def _rules(out: TextIO) -> None:
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
