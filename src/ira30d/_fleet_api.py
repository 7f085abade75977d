"""The fleet engine's public names, imported only when used: ``import ira30d`` needs no Polars
(``pip install "ira30d[fleet]"`` adds it).

>>> import ira30d
>>> ira30d.evaluate_fleet([ira30d.example("over_msrp_cap")]).frame["verdict"].to_list()
['not_eligible']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ira30d._common.errors import InputError

if TYPE_CHECKING:
    from ira30d._fleet.api import FleetResult


def _api() -> Any:
    try:
        from ira30d._fleet import api
    except ImportError as exc:
        if "polars" not in str(exc):
            raise
        raise InputError(
            "polars", "the fleet engine needs Polars: pip install 'ira30d[fleet]'", "missing_extra"
        ) from None
    return api


def evaluate_fleet(source: Any, **options: Any) -> FleetResult:
    """Decide a fleet column-wise (the columnar engine, compiled from the same rule files):
    the same answers as :func:`evaluate` gives vehicle by vehicle, for millions of vehicles.

    ``source``: cases (an iterable, a JSON / JSON Lines file, a Parquet file with a ``case``
    column), or a directory of the fleet's Parquet tables (``ira30d tables`` writes them; see
    the fleet page). Options: ``ruleset``, ``scenario`` (bundled scenario names overlaid),
    ``method``, ``batch_size`` (vehicles decided together, default 25,000, two batches at once),
    ``progress``, ``processes`` (worker processes reading a case file; default 1: JSON Lines is
    then read column-wise in two threads as it is decided; a script using processes needs
    ``if __name__ == "__main__":``, as with ``multiprocessing``).

    Returns a ``FleetResult``: ``.frame`` is a Polars DataFrame with one row per vehicle:
    ``row``, ``case_id``, ``vin``, ``verdict`` (``error`` for a row that could not be read or
    decided, with ``error`` saying why), ``amount`` (exact, US dollars; null when undetermined)
    and ``amount_if_undetermined_met`` / ``_not_met``, ``regime``, one status column per
    requirement, ``engine`` (``columnar``, or ``object`` for the rows decided one by one),
    ``ruleset_hash`` and ``countries``. ``.explain(row)`` and ``.determination(row)`` go through
    the object path; ``.to_pandas()`` and ``.to_arrow()`` convert the frame.

    >>> import ira30d
    >>> r = ira30d.evaluate_fleet([ira30d.example(n) for n in ira30d.example_names()])
    >>> r.frame.group_by("verdict").len().sort("verdict").rows()
    [('eligible', 7), ('not_eligible', 4), ('undetermined', 1)]
    >>> r.frame["amount"].sum()
    Decimal('33750.00')
    """
    return _api().evaluate_fleet(source, **options)  # type: ignore[no-any-return]


def compare_fleet(source: Any, scenarios: Any = ("uk_pact", "eu_pact"), **options: Any) -> Any:
    """The fleet under the baseline and each bundled scenario, one columnar pass each: a Polars
    DataFrame with ``{scenario}.verdict`` and ``{scenario}.amount`` per vehicle and ``changed``,
    the requirements whose status some scenario changes.

    >>> import ira30d
    >>> c = ira30d.compare_fleet([ira30d.example(n) for n in ira30d.example_names()],
    ...                          ["uk_pact"])
    >>> c.filter(c["changed"].list.len() > 0).select("case_id", "uk_pact.amount").rows()
    [('uk_processed_lithium', Decimal('7500.00'))]
    """
    return _api().compare_fleet(source, scenarios, **options)


def fleet_tables(cases: Any, processes: int = 1) -> Any:
    """Cases (an iterable, or a JSON / JSON Lines file, read by ``processes``) as the
    fleet's six tables (Polars DataFrames ``vehicles``, ``chains``, ``stages``, ``components``,
    ``contains``, ``entities``; ``.write(directory)`` saves them as Parquet). A case that is
    invalid, or holds a value finer than the tables' scale, becomes a vehicle row with only its
    ``error``. ``ira30d tables CASES DIR`` does the same on the command line.

    >>> import ira30d
    >>> t = ira30d.fleet_tables([ira30d.example("full_credit_2024")])
    >>> t.chains.height, t.vehicles["msrp_base_cents"][0]
    (10, 5499500)
    """
    api = _api()
    if isinstance(cases, (str, Path)):
        return api.tables_of_file(cases, processes=processes)
    return api.to_tables(cases)


def evaluate_fleet_dask(directory: Any, client: Any, **options: Any) -> Any:
    """Decide a directory of fleet Parquet tables on a ``dask.distributed`` cluster
    (``client``), one task per ``partition`` vehicles (default 50,000), each worker reading
    only its own rows; the frame equals :func:`evaluate_fleet`'s. Options as for
    :func:`evaluate_fleet` (``ruleset``, ``scenario``, ``method``).

    >>> import ira30d
    >>> callable(ira30d.evaluate_fleet_dask)
    True
    """
    return _api().evaluate_fleet_dask(directory, client, **options)
