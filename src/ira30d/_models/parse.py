"""From JSON-shaped input to a :class:`Case`, every validation problem an :class:`InputError`.

pydantic's ``ValidationError`` never reaches a caller of the library: :func:`parse_case` wraps it
(as ``__cause__``) in one :class:`InputError` whose ``problems`` list each problem with a code, the
field's path (``vehicle.battery.mineral_chains[0].stages[1].share``) and a plain message (an
unknown field says which field was probably meant).

>>> parse_case({"vehicle": {"vin": "X", "manufacturer": "M", "model": "E", "model_yaer": 2024},
...             "on": "2024-01-01"}).lines()
Traceback (most recent call last):
...
ira30d.InputError: vehicle.model_year: required field missing (and 1 more)
>>> try:
...     parse_case({"vehicle": {"vin": "X", "manufacturer": "M", "model": "E", "model_yaer": 2024},
...                 "on": "2024-01-01"})
... except InputError as e:
...     print("\\n".join(e.lines()))
[missing_field] vehicle.model_year: required field missing
[unknown_field] vehicle.model_yaer: unknown field (did you mean 'model_year'?)
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ira30d._common.errors import InputError
from ira30d._models.inputs import Case

_CODES = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "literal_error": "unknown_value",
    "enum": "unknown_value",
}


def parse_case(raw: Case | Mapping[str, Any] | str | bytes) -> Case:
    """``raw`` (a Case, its dict or its JSON text) validated; raises :class:`InputError`.

    JSON text is read with its numbers exact: a number with a fraction or an exponent becomes a
    ``Decimal`` of exactly the digits written (pydantic's own JSON reader goes through a binary
    float: a share of ``0.49999999999999999`` became ``0.5`` and met a 50% test).

    >>> text = '{"vehicle": {"vin": "X", "manufacturer": "M", "model": "E", "model_year": 2024,'
    >>> case = parse_case(text + ' "msrp": {"base": 54999.9999999999999}}, "on": "2024-01-01"}')
    >>> case.vehicle.msrp.base
    Decimal('54999.9999999999999')
    """
    if isinstance(raw, Case):
        return raw
    try:
        return Case.model_validate(json_value(raw) if isinstance(raw, (str, bytes)) else raw)
    except ValidationError as exc:
        raise input_error(exc) from exc


def json_value(text: str | bytes) -> Any:
    """JSON text as Python values, numbers with a fraction or exponent as exact ``Decimal``s
    (every reader of case text reads it here); ``NaN`` and ``Infinity`` are not JSON.

    >>> json_value('{"share": 0.49999999999999999, "n": 3}')
    {'share': Decimal('0.49999999999999999'), 'n': 3}
    """
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        raise InputError("case", f"invalid JSON: {where}", "invalid_json") from None
    except ValueError as exc:  # NaN or Infinity, or bytes that are not text
        raise InputError("case", f"invalid JSON: {exc}", "invalid_json") from None
    except RecursionError:
        raise InputError("case", "invalid JSON: nested too deeply", "too_deep") from None


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")


def input_error(exc: ValidationError, model: type[BaseModel] = Case, at: str = "") -> InputError:
    """One :class:`InputError` for every problem of ``exc`` (raised validating ``model``; ``at``
    is the path of that model inside a case)."""
    problems = tuple(_problem(e, model, at) for e in exc.errors(include_url=False))
    first = problems[0]
    return InputError(first["field"], first["message"], first["code"], problems)


def _problem(err: Any, model: type[BaseModel], at: str) -> dict[str, str]:
    loc = tuple(err["loc"])
    kind = err["type"]
    field = _path(loc, at) or "case"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "json_invalid":
        message = f"invalid JSON: {err.get('ctx', {}).get('error', message)}"
    elif kind == "missing":
        message = "required field missing"
    elif kind == "model_type":  # the Python wording ("a valid dictionary or instance of ...")
        message = "Input should be an object"
    elif kind == "extra_forbidden":
        known = _fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
        message = f"unknown field{hint}"
    code = _CODES.get(kind, "invalid_json" if kind == "json_invalid" else "invalid_value")
    if message.startswith("expected a date"):
        code = "invalid_date"
    return {"code": code, "field": field, "message": message}


def _path(loc: tuple[Any, ...], at: str) -> str:
    out = at
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "tagged-union")):
            out += f".{part}" if out else str(part)
    return out


def _fields(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc`` inside ``model`` ([] if none)."""
    for part in loc:
        if isinstance(part, int) or not _is_model(model):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        model = _model_in(info.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _model_in(annotation: Any) -> Any:
    """The model inside ``X | None``, ``list[X]``, ``Annotated[X, ...]``."""
    if _is_model(annotation):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
