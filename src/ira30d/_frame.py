"""Determinations as pandas DataFrames: one row per case, one status column per requirement.

>>> import ira30d
>>> df = to_dataframe([ira30d.evaluate(ira30d.example("over_msrp_cap"))])
>>> df.loc[0, ["verdict", "msrp_cap"]].tolist()
['not_eligible', 'not_met']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination
from ira30d._failures import CaseFailure
from ira30d._ruleset import RuleSet

AMOUNTS = ("amount", "amount_if_undetermined_met", "amount_if_undetermined_not_met")
COLUMNS = ("case_id", "vin", "verdict", *AMOUNTS, "regime", "method", "countries")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InputError(
            "pandas", "DataFrames need pandas: pip install 'ira30d[pandas]'", "missing_extra"
        ) from None
    return pandas


def _row(d: Determination) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case_id": d.case_id,
        "vin": d.vin,
        "verdict": d.verdict,
        "amount": d.amount,
        "amount_if_undetermined_met": d.amount_if_undetermined_met,
        "amount_if_undetermined_not_met": d.amount_if_undetermined_not_met,
        "regime": d.regime,
        "method": d.critical_minerals_method,
        "countries": d.provenance.countries,
    }
    row.update({f.id: f.status for f in d.findings})
    return row


def to_dataframe(determinations: Iterable[Determination]) -> Any:
    """One row per determination: ids, verdict, amount (``Decimal``, US dollars; ``None`` when
    undetermined, with the two bounds beside it), regime, method, countries, and one column per
    requirement holding its status.

    >>> import ira30d
    >>> df = to_dataframe([ira30d.evaluate(ira30d.example("full_credit_2024"))])
    >>> df.loc[0, "amount"], df.loc[0, "critical_minerals"]
    (Decimal('7500'), 'met')
    """
    return _pandas().DataFrame([_row(d) for d in determinations])


def partition_meta(ruleset: RuleSet | None = None) -> Any:
    """The empty DataFrame :func:`evaluate_partition` returns for a pandas partition, for Dask's
    ``meta=``: every column of :func:`to_dataframe` (the requirement columns of ``ruleset``),
    then ``error`` (the problems of a case that could not be decided, one per line), all of
    ``object`` dtype (amounts are exact ``Decimal`` US dollars).

    >>> list(partition_meta().columns)[:4], partition_meta().dtypes.unique().tolist()
    (['case_id', 'vin', 'verdict', 'amount'], [dtype('O')])
    """
    from ira30d._api import default_ruleset

    rs = ruleset or default_ruleset()
    names = [*COLUMNS, *(r.id for r in rs.book.requirements), "error"]
    pd = _pandas()
    return pd.DataFrame({n: pd.Series([], dtype=object) for n in names})


def partition_frame(results: Iterable[Determination | CaseFailure], ruleset: RuleSet) -> Any:
    """The DataFrame of a partition: :func:`partition_meta`'s columns, a row per case."""
    meta = partition_meta(ruleset)
    rows = []
    for d in results:
        if isinstance(d, CaseFailure):
            rows.append({"case_id": d.case_id, "verdict": "error", "error": str(d)})
        else:
            rows.append({**_row(d), "error": None})
    frame = _pandas().DataFrame(rows, columns=meta.columns)
    return frame.astype(object).where(frame.notna(), None)
