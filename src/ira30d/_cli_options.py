"""The options every deciding command shares (the law it decides under) and the rule set they
make: method, country lists, scenarios, rule-set directory, engine.

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> law_options(p, ["uk_pact"])
>>> ruleset_of(p.parse_args(["--scenario", "uk_pact"])).countries.name
'baseline+uk_pact'
"""

from __future__ import annotations

import argparse
from typing import Any

from ira30d._api import default_ruleset
from ira30d._ruleset import RuleSet, rules_dir


def scenarios() -> list[str]:
    """The bundled scenarios (file names in rules/scenarios), for the help and the choices."""
    return sorted(p.stem for p in (rules_dir() / "scenarios").glob("*.yaml"))


def at_least_one(text: str) -> int:
    """A whole number of at least 1 (``--processes``, ``--batch-size``)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def law_options(p: Any, names: list[str], compare: bool = False) -> None:
    """Add the law options to parser ``p`` (``names``: the bundled scenarios)."""
    p.add_argument(
        "--method",
        choices=["value_added_50", "traced_qualifying_value"],
        help="critical-minerals method (default: the rule set's)",
    )
    p.add_argument(
        "--add-country",
        action="append",
        metavar="CODE",
        help="add a country (ISO 3166-1 alpha-2) to the list --add-to names; repeatable",
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
        help="replace a country list with a YAML list file; repeatable",
    )
    p.add_argument(
        "--scenario",
        action="append",
        choices=names,
        metavar="NAME",
        help="overlay a bundled scenario; repeatable; one of: "
        + ", ".join(names)
        + (" (the scenarios to compare; default uk_pact and eu_pact)" if compare else ""),
    )
    p.add_argument(
        "--rules", metavar="DIR", help="a rule-set directory (default: the shipped rules)"
    )
    p.add_argument(
        "--backend",
        default="auto",
        metavar="NAME",
        help="rule engine: auto (durable-rules where installed), durable or python",
    )


def ruleset_of(args: argparse.Namespace) -> RuleSet:
    """The rule set the options name (for ``compare`` without its scenarios, which it
    compares)."""
    rs = (
        default_ruleset()
        if args.rules is None and args.backend == "auto"
        else RuleSet.load(args.rules, backend=args.backend)
    )
    if args.countries:
        rs = rs.with_countries(files=args.countries)
    if getattr(args, "command", None) != "compare":
        for sc in args.scenario or []:
            rs = rs.scenario(sc)
    if args.add_country:
        rs = rs.with_countries(add={args.add_to: args.add_country})
    return rs
