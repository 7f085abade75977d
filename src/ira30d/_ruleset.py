"""A loaded, compiled rule set bound to one set of country lists and one engine backend."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ira30d._determination.assemble import assemble, larger, outcome, unsure_election
from ira30d._determination.findings import Finder
from ira30d._determination.records import (
    Determination,
    Finding,
    Transition,
)
from ira30d._determination.verdict import Decision, decide
from ira30d._engines.backends import Backend, make_backend
from ira30d._engines.compile import compile_rules
from ira30d._law.book import RuleBook
from ira30d._law.countries import Countries
from ira30d._law.rulefiles import read_rulebook
from ira30d._law.variants import change_countries, overlay_scenarios, override_parameters
from ira30d._measures.measured import Measured
from ira30d._measures.measurer import Measurer
from ira30d._models.inputs import Case
from ira30d._models.parse import parse_case

Run = tuple[
    Measured, set[str], list[Finding], Decision
]  # one pass: measured, fired, found, decided
_PY_TYPES = {"date": int, "int": int, "bool": bool, "str": str}


def rules_dir() -> Path:
    """Where the shipped rule files are: inside the installed package, else the source tree's
    ``rules/``.

    >>> sorted(p.name for p in (rules_dir() / "scenarios").glob("*.yaml"))[:2]
    ['eu_pact.yaml', 'japan_cma.yaml']
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if (candidate / "ruleset.yaml").is_file():
            return candidate
    raise FileNotFoundError("ira30d rule files not found (expected ira30d/rules or ./rules)")


def _read(root: str) -> RuleBook:
    """The rule book under ``root``, read once per version of its files."""
    files = sorted(p for p in Path(root).rglob("*") if p.is_file())
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _read_version(root, stamp)


# Cache: rule books by (directory, every file's path, mtime and size). Editing, adding or removing
# a rule file changes the key, so a stale book is never returned; bounded to 8 versions.
@functools.lru_cache(maxsize=8)
def _read_version(root: str, stamp: tuple[tuple[str, int, int], ...]) -> RuleBook:
    return read_rulebook(Path(root))


class RuleSet:
    """The §30D rules, compiled, with the country lists they use.

    >>> rs = RuleSet.load()
    >>> rs.countries.name
    'baseline'
    >>> rs.with_countries(add={"cma_partners": ["GB"]}, name="uk").countries.name
    'uk'
    """

    def __init__(self, book: RuleBook, countries: Countries, backend: str = "auto") -> None:
        self.book = book
        self.countries = countries
        self._backend_choice = backend
        self._measurer = Measurer(book, countries)
        self._compiled = compile_rules(book)
        types = {k: _PY_TYPES[f.type] for k, f in book.facts.items()}
        self._finder = Finder(book)
        self._backend: Backend = make_backend(backend, self._compiled, types)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, *, backend: str = "auto") -> RuleSet:
        """Load the rule set at ``path`` (default: the shipped rules) with its baseline country
        lists."""
        book = _read(str(Path(path).resolve() if path else rules_dir()))
        return cls(book, Countries.build("baseline", book.country_lists), backend)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its recipe (rule book, country lists, backend): each process builds its own
        engine."""
        return (RuleSet, (self.book, self.countries, self._backend_choice))

    def with_parameters(
        self, overrides: Mapping[str, Mapping[Any, Any]], *, name: str | None = None
    ) -> RuleSet:
        """The same rules with some parameters' dated values replaced, e.g. a later termination
        date:

        >>> rs = RuleSet.load().with_parameters(
        ...     {"termination_acquired_after": {"2025-07-04": "2032-12-31"}}, name="no-obbba")
        >>> rs.book.spec.version.endswith("+no-obbba")
        True
        """
        book = override_parameters(self.book, overrides, name)
        return RuleSet(book, self.countries, self._backend_choice)

    def engine_rules(self) -> dict[str, Any]:
        """The rules the engine runs, compiled from the rule files: name -> condition in
        durable-rules' JSON form (``gvwr|m``: the requirement met, ``|n`` not met, ``|a`` it
        applies, ``|xi`` an exception, ``regime|id``).

        >>> import ira30d
        >>> ira30d.default_ruleset().engine_rules()["gvwr|m"]
        {'$and': [{'$lt': {'gvwr_lbs': 14000}}]}
        """
        from ira30d._law.conditions import to_durable

        return {name: to_durable(cond) for name, cond in self._compiled}

    @property
    def backend(self) -> str:
        return self._backend.name

    def with_countries(
        self,
        add: Mapping[str, Iterable[Any]] | None = None,
        remove: Mapping[str, Iterable[str]] | None = None,
        *,
        name: str | None = None,
        files: Iterable[str | Path] = (),
    ) -> RuleSet:
        """The same rules with country lists changed: members added or removed, or whole lists
        replaced from files (a file's ``name`` says which list it replaces)."""
        countries = change_countries(self.countries, add, remove, name, files)
        return RuleSet(self.book, countries, self._backend_choice)

    def scenario(self, *names: str) -> RuleSet:
        """The same rules with the named bundled scenarios (``uk_pact``, ``eu_pact``) overlaid."""
        countries = overlay_scenarios(self.book, self.countries, names)
        return RuleSet(self.book, countries, self._backend_choice)

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(
        self,
        case: Case | Mapping[str, Any] | str | bytes,
        *,
        method: str | None = None,
        counterfactuals: bool = False,
    ) -> Determination:
        """Decide one case. ``case`` is a :class:`Case`, its JSON-shaped dict, or JSON text. With
        ``counterfactuals=True`` each requirement not met says what would flip it, in numbers."""
        case = parse_case(case)
        without = self._run(case, method, counterfactuals, deemed=False)
        fired = without[1]
        elected = case.purchase.transition_election if case.purchase else None
        available = "transition_election|m" in fired
        if elected and not available and "transition_election|n" not in fired:
            return self._unsure_election(case, method, counterfactuals, without)
        if not available or elected is False:
            transition = (
                None
                if not available and elected is None
                else Transition(available, elected, False, None, None, None)
            )
            return self._record(case, without, without[3], transition)
        with_ = self._run(case, method, counterfactuals, deemed=True)
        a, b = outcome(with_[3]), outcome(without[3])
        transition = Transition(True, elected, elected is True, a, b, larger(a, b))
        run = with_ if elected else without
        return self._record(case, run, run[3], transition)

    def _unsure_election(
        self,
        case: Case,
        method: str | None,
        counterfactuals: bool,
        without: Run,
    ) -> Determination:
        """Elected, but whether the election is available is undetermined: if the outcome with it
        differs from the outcome without, the verdict is undetermined and the bounds span both."""
        with_ = self._run(case, method, counterfactuals, deemed=True)
        a, b = outcome(with_[3]), outcome(without[3])
        transition = Transition(False, True, False, a, b, larger(a, b))
        unsure = unsure_election(a, b, without[3])
        return self._record(case, without, unsure or without[3], transition)

    def _record(
        self, case: Case, run: Run, d: Decision, transition: Transition | None
    ) -> Determination:
        """The record of one pass (``run``: measured, fired, findings) with its decision ``d``."""
        m, fired, findings, _ = run
        texts = functools.partial(self._finder.facts_text, m)
        args = (case, m, fired, findings, d, transition, texts)
        return assemble(self.book, self.countries, self._backend.name, *args)

    def _run(self, case: Case, method: str | None, counterfactuals: bool, *, deemed: bool) -> Run:
        """Measure, fire and find: one pass of the engine (``deemed``: the transition election)."""
        m = self._measurer.measure(case, method, deemed=deemed)
        fired = self._backend.fire(m.facts)
        findings = self._finder.findings(case, m, fired)
        if counterfactuals:
            from ira30d._counterfactuals import counterfactuals as what_flips

            findings = [
                dataclasses.replace(f, counterfactuals=what_flips(self, case, m, f, req))
                if f.status == "not_met"
                else f
                for f, req in zip(findings, self.book.requirements, strict=False)
            ]
        return m, fired, findings, decide(self.book, case, m, fired, findings)
