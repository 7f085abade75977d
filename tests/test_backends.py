"""Two engines, one rule set: identical determinations, safe under threads and long runs."""

import gc
import resource
import threading
from dataclasses import replace

import pytest
from hypothesis import given, settings
from strategies import cases

import ira30d
from ira30d import EngineError, RuleSet
from ira30d._engines.backends import durable_available

needs_durable = pytest.mark.skipif(
    not durable_available(), reason="durable-rules not importable (Python 3.13+)"
)
PLAIN = RuleSet.load(backend="python")


def same(a, b):
    """Equal in everything but the backend that produced them."""
    return replace(a, provenance=replace(a.provenance, backend="")) == replace(
        b, provenance=replace(b.provenance, backend="")
    )


@needs_durable
@settings(max_examples=max(2000, settings().max_examples))  # HYPOTHESIS_PROFILE=long for more
@given(cases())
def test_durable_and_python_backends_agree(c):
    durable = DURABLE.evaluate(c)
    plain = PLAIN.evaluate(c)
    assert same(durable, plain), (durable.explain(), plain.explain())


DURABLE = RuleSet.load(backend="durable") if durable_available() else None
BACKENDS_UNDER_TEST = ["python"] + (
    [pytest.param("durable")]
    if durable_available()
    else [pytest.param("durable", marks=needs_durable)]
)


def test_auto_backend_and_recorded_choice():
    rs = RuleSet.load()
    assert rs.backend == ("durable" if durable_available() else "python")
    assert ira30d.evaluate(ira30d.example("full_credit_2024")).provenance.backend == rs.backend
    with pytest.raises(ira30d.InputError) as e:
        RuleSet.load(backend="drools")
    assert (e.value.code, e.value.field) == ("unknown_backend", "backend")


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize("backend", ["python"] + (["durable"] if durable_available() else []))
def test_long_run_leaves_no_state_and_memory_flat(backend):
    rs = RuleSet.load(backend=backend)
    cases_ = [
        ira30d.example(n)
        for n in (
            "minerals_half_only",
            "over_msrp_cap",
            "acquired_after_termination",
            "pre_2023_formula",
        )
    ]
    expected = [rs.evaluate(c) for c in cases_]
    n = 100_000 if backend == "durable" else 20_000
    for i in range(n // 10):
        assert rs.evaluate(cases_[i % 4]) == expected[i % 4]
    gc.collect()
    start = _rss_kib()
    for i in range(n - n // 10):
        d = rs.evaluate(cases_[i % 4])
    gc.collect()
    assert d == expected[(n - n // 10 - 1) % 4]
    assert _rss_kib() - start < 20_000, "RSS grew by more than 20 MiB"


@pytest.mark.parametrize("threads", [4, 8])
def test_threads_give_the_sequential_results(rs, threads):
    work = [ira30d.example(n) for n in ira30d.example_names()] * 25
    expected = [rs.evaluate(c) for c in work]
    results = [None] * len(work)

    def run(k):
        for i in range(k, len(work), threads):
            results[i] = rs.evaluate(work[i])

    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == expected


@needs_durable
def test_session_is_cleaned_up_when_the_engine_fails_mid_evaluation(monkeypatch):
    rs = RuleSet.load(backend="durable")
    case = ira30d.example("minerals_half_only")
    expected = rs.evaluate(case)
    dre = rs._backend._dre
    real = dre.complete_and_start_action
    calls = {"n": 0}

    class Flaky:
        def __getattr__(self, name):
            return getattr(dre, name)

        def complete_and_start_action(self, *args):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("boom")
            return real(*args)

    monkeypatch.setattr(rs._backend, "_dre", Flaky())
    with pytest.raises(EngineError):
        rs.evaluate(case)
    assert (
        rs.evaluate(case) == expected
    )  # the session was deleted; the next evaluation starts clean


@pytest.mark.parametrize("backend", BACKENDS_UNDER_TEST)
def test_met_and_not_met_never_fire_together(backend):
    """Both polarities of every requirement, on generated facts: at most one fires, in each
    engine."""
    rs = PLAIN if backend == "python" else DURABLE
    ids = [r.id for r in rs.book.requirements]

    @settings(max_examples=300, database=None)
    @given(cases())
    def check(c):
        m = rs._measurer.measure(ira30d.Case.model_validate(c))
        fired = rs._backend.fire(m.facts)
        both = [rid for rid in ids if f"{rid}|m" in fired and f"{rid}|n" in fired]
        assert not both, both

    check()
