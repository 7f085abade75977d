"""evaluate_partition on a real dask.distributed cluster (a LocalCluster of two worker processes)
gives the same table as one process."""

import json

import pytest

import ira30d

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")
pd = pytest.importorskip("pandas")


def frame():
    """One case a row, as JSON text (text columns survive Dask's string conversion)."""
    cases = [ira30d.example(n) for n in ira30d.example_names()] * 3
    cases.append({"id": "broken", "vehicle": {"vin": "X"}, "on": "2024-13-01"})
    return pd.DataFrame({"case": [json.dumps(c) for c in cases] + ["{not json"]})


@pytest.fixture(scope="module")
def client():
    """A real dask.distributed cluster: two worker processes on this machine."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def test_a_local_cluster_gives_the_one_process_table(client):
    rs = ira30d.default_ruleset()
    cases = frame()
    local = ira30d.evaluate_partition(cases, ruleset=rs)
    parts = dd.from_pandas(cases, npartitions=4)
    out = parts.map_partitions(
        ira30d.evaluate_partition, ruleset=rs, meta=ira30d.partition_meta(rs)
    ).compute(scheduler=client)
    assert list(out.columns) == list(ira30d.partition_meta(rs).columns)
    assert out.reset_index(drop=True).equals(local.reset_index(drop=True))
    assert out["verdict"].value_counts()["error"] == 2
    broken = out[out["case_id"] == "broken"].iloc[0]
    assert "[invalid_date] on:" in broken["error"] and "vehicle.manufacturer" in broken["error"]
    assert (out["verdict"] == "eligible").sum() == 3 * 7


def test_the_fleet_engine_on_a_local_cluster_equals_one_process(client, tmp_path):
    pl = pytest.importorskip("polars")
    fleet = [ira30d.example(n) for n in ira30d.example_names()] * 4
    ira30d.fleet_tables(fleet).write(tmp_path / "t")
    one = ira30d.evaluate_fleet(tmp_path / "t").frame
    many = ira30d.evaluate_fleet_dask(tmp_path / "t", client, partition=7)
    workers = set(client.run(lambda: __import__("os").getpid()).values())
    assert many.equals(one) and len(workers) == 2
    assert isinstance(many, pl.DataFrame) and many.height == len(fleet)
