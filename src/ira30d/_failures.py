"""A case of a batch that could not be decided, and deciding one case of a batch.

A batch keeps going past a bad case: :func:`decide_entry` turns the case's error into a
:class:`CaseFailure` (its index, line and id, and the error) in the case's place, so the output
stays in input order whether one process or many did the work.

>>> import ira30d
>>> bad = {"id": "typo", "vehicle": {"vin": "X"}, "on": "20240705"}
>>> f = decide_entry(ira30d.default_ruleset(), 3, 4, bad)
>>> print(f)
case[3] line 4 id 'typo': [missing_field] vehicle.manufacturer: required field missing
case[3] line 4 id 'typo': [missing_field] vehicle.model: required field missing
case[3] line 4 id 'typo': [missing_field] vehicle.model_year: required field missing
case[3] line 4 id 'typo': [invalid_date] on: expected a date as YYYY-MM-DD, got '20240705'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ira30d._common.errors import InputError, Ira30dError
from ira30d._determination.records import Determination
from ira30d._pool import BatteryPool
from ira30d._ruleset import RuleSet


@dataclass(frozen=True)
class CaseFailure:
    """A case of a batch that could not be decided: ``index`` (0-based position in the batch),
    ``line`` (in a JSON Lines file, else ``None``), ``case_id`` (the case's ``id`` if it could be
    read) and ``error`` (an :class:`Ira30dError`; ``InputError.problems`` lists every problem).

    >>> f = CaseFailure(0, 1, "a", InputError("vehicle", "required field missing",
    ...                                       "missing_field"))
    >>> f.to_dict()["error"]["problems"][0]["code"]
    'missing_field'
    """

    index: int
    line: int | None
    case_id: str | None
    error: Ira30dError

    @property
    def problems(self) -> tuple[dict[str, str], ...]:
        """Every problem as ``{code, field, message}``."""
        e = self.error
        if isinstance(e, InputError):
            return e.problems
        return ({"code": e.code, "field": "case", "message": e.message},)

    def where(self) -> str:
        """``case[3] line 4 id 'x'``: where the failed case is."""
        line = f" line {self.line}" if self.line is not None else ""
        ident = f" id {self.case_id!r}" if self.case_id is not None else ""
        return f"case[{self.index}]{line}{ident}"

    def lines(self) -> list[str]:
        """One line per problem, each saying where the case is."""
        return [
            f"{self.where()}: [{p['code']}] {p['field']}: {p['message']}" for p in self.problems
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, Any]:
        """The failure as data, for a JSON Lines output in the failed case's place."""
        return {
            "case": self.index,
            "line": self.line,
            "case_id": self.case_id,
            "error": {
                "code": self.error.code,
                "message": self.error.message,
                "problems": [dict(p) for p in self.problems],
            },
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as one line of JSON."""
        return json.dumps(self.to_dict())


def decide_entry(
    rs: RuleSet,
    index: int,
    line: int | None,
    raw: Any,
    *,
    method: str | None = None,
    counterfactuals: bool = False,
    pool: BatteryPool | None = None,
) -> Determination | CaseFailure:
    """Decide one case of a batch (``index``, from ``line``); its error (a bad line's
    :class:`InputError`, a validation or a consistency problem) becomes a :class:`CaseFailure`
    in its place."""
    if isinstance(raw, Ira30dError):
        return CaseFailure(index, line, None, raw.at(index) if isinstance(raw, InputError) else raw)
    try:
        case = (pool or BatteryPool()).case(raw)
        return rs.evaluate(case, method=method, counterfactuals=counterfactuals)
    except Ira30dError as exc:
        if isinstance(exc, InputError):
            exc.at(index)
        return CaseFailure(index, line, _case_id(raw), exc)


def _case_id(raw: Any) -> str | None:
    """The case's ``id``, if it can be read from the raw input."""
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    ident = raw.get("id") if isinstance(raw, dict) else getattr(raw, "id", None)
    return str(ident) if ident is not None else None
