"""The seam between compiled rules and the engines that run them.

A backend is built from ``[(name, condition)]`` (resolved, in negation normal form) and answers
one question: which names fire for this flat fact record? Two backends run the same list:
durable-rules through its C module, and plain Python closures.

>>> rules = [("gvwr|m", C.Atom("gvwr_lbs", "lt", 14000)),
...          ("gvwr|n", C.Atom("gvwr_lbs", "ge", 14000))]
>>> sorted(PythonBackend(rules).fire({"gvwr_lbs": 13999})), sorted(PythonBackend(rules).fire({}))
(['gvwr|m'], [])
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Sequence
from typing import Any, Protocol

from ira30d._common.errors import EngineError, InputError, Ira30dError
from ira30d._law import conditions as C

Compiled = Sequence[tuple[str, C.Cond]]


class Backend(Protocol):
    name: str

    def fire(self, facts: dict[str, Any]) -> set[str]: ...


class PythonBackend:
    """Rules compiled to closures; runs on every Python."""

    name = "python"

    def __init__(self, rules: Compiled) -> None:
        self._rules = [(n, C.to_python(c)) for n, c in rules]

    def fire(self, facts: dict[str, Any]) -> set[str]:
        return {n for n, test in self._rules if test(facts)}


def durable_available() -> bool:
    try:
        import durable_rules_engine  # noqa: F401
    except ImportError:
        return False
    return True


_counter = itertools.count()
_SENTINEL = "__sentinel__"


class DurableBackend:
    """durable-rules driven through its C module: one ruleset handle, one fixed session, one lock.

    No ``durable.lang`` (global registry), no ``engine.Host`` (background thread), no callbacks:
    facts are asserted, fired rules are drained, and the session is deleted in ``finally``. A
    sentinel rule fires once per evaluation so that deleting the session is always safe.
    """

    name = "durable"

    def __init__(self, rules: Compiled, types: dict[str, type]) -> None:
        import durable_rules_engine as dre

        self._dre = dre
        self._types = types
        definition: dict[str, Any] = {_SENTINEL: {"all": [{"m": {"t": "s"}}]}}
        for n, cond in rules:
            definition[n] = {"all": [{"m": {"$and": [{"t": "c"}, C.to_durable(cond)]}}]}
        self._handle = dre.create_ruleset(f"ira30d_{next(_counter)}", json.dumps(definition))
        self._lock = threading.Lock()

    def _check(self, facts: dict[str, Any]) -> None:
        for k, v in facts.items():
            want = self._types.get(k)
            if want is None or type(v) is not want:
                raise EngineError(f"fact {k!r}={v!r} is not of the declared type {want}")

    def fire(self, facts: dict[str, Any]) -> set[str]:
        self._check(facts)
        payload = json.dumps(
            [{"sid": "0", "id": "s", "t": "s"}, {"sid": "0", "id": "c", "t": "c", **facts}]
        )
        dre, h = self._dre, self._handle
        fired: set[str] = set()
        with self._lock:
            try:
                code, state = dre.assert_facts(h, payload)
                if code not in (0, 1):
                    raise EngineError(f"durable-rules refused the facts (code {code})")
                result = dre.start_action_for_state(h, state)
                while result:
                    message = result[1] if isinstance(result, tuple) else result
                    fired.add(message[2 : message.index('"', 2)])
                    result = dre.complete_and_start_action(h, state)
            except Ira30dError:
                raise
            except Exception as exc:  # durable_rules_engine.error and friends
                raise EngineError(f"durable-rules failed: {exc}") from None
            finally:
                with contextlib.suppress(Exception):  # pragma: no cover - nothing left to clean
                    dre.delete_state(h, "0")
        fired.discard(_SENTINEL)
        return fired

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._dre.delete_ruleset(self._handle)


def make_backend(choice: str, rules: Compiled, types: dict[str, type]) -> Backend:
    if choice == "auto":
        choice = "durable" if durable_available() else "python"
    if choice == "python":
        return PythonBackend(rules)
    if choice == "durable":
        if not durable_available():
            raise InputError(
                "backend",
                "'durable' needs durable-rules, which is not importable here: "
                "pip install 'ira30d[durable]' (Python 3.10-3.12)",
                "missing_extra",
            )
        return DurableBackend(rules, types)
    raise InputError(
        "backend",
        f"unknown backend {choice!r}; use 'auto', 'durable' or 'python'",
        "unknown_backend",
    )
