"""Error types. Every error carries a stable ``code`` and its facts as attributes.

>>> err = InputError("vehicle.epa_label_class", "unknown EPA label class 'hovercraft'",
...                  "unknown_class")
>>> str(err), err.to_dict()["code"], err.field
("vehicle.epa_label_class: unknown EPA label class 'hovercraft'", 'unknown_class',
 'vehicle.epa_label_class')
"""

from __future__ import annotations


class Ira30dError(Exception):
    """Base of every error ira30d raises on purpose: catch it to catch them all.

    >>> import ira30d
    >>> try:
    ...     ira30d.example("no_such_example")
    ... except ira30d.Ira30dError as e:
    ...     e.code
    'unknown_example'
    """

    code = "ira30d_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """The error as data: ``code``, ``message`` and the error's own fields."""
        data = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        return {"code": self.code, **data}

    def __reduce__(self) -> tuple[object, ...]:
        # pickles with its fields (a worker process sends a case's error to the parent)
        return (_restore, (type(self), self.args, dict(vars(self))))


def _restore(cls: type[Ira30dError], args: tuple[object, ...], state: dict[str, object]) -> object:
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class RuleFileError(Ira30dError):
    """A rule file is malformed: names the file and the path inside it.

    >>> str(RuleFileError("requirements/price.yaml", "msrp_cap.when", "unknown fact 'msrp2'"))
    "requirements/price.yaml: at msrp_cap.when: unknown fact 'msrp2'"
    """

    code = "rule_file"

    def __init__(self, file: str, path: str, reason: str) -> None:
        super().__init__(f"{file}: at {path or '<root>'}: {reason}")
        self.file, self.path, self.reason = file, path, reason


class InputError(Ira30dError):
    """Bad input: a field that fails validation, or input that is well-typed but inconsistent
    (unknown reference, unknown mineral...). ``field`` is the path of the first problem,
    ``problems`` every problem as ``{code, field, message}``, ``case`` the index of the case in
    a batch (``None`` for a single case). A wrapped pydantic ``ValidationError`` is the
    ``__cause__``.

    >>> err = InputError("purchase.sale_date", "expected a date as YYYY-MM-DD, got '20240705'",
    ...                  "invalid_date")
    >>> err.problems[0]["field"], err.at(3).case
    ('purchase.sale_date', 3)
    """

    code = "input"

    def __init__(
        self,
        field: str,
        reason: str,
        code: str | None = None,
        problems: tuple[dict[str, str], ...] = (),
    ) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{field}: {reason}{more}")
        self.field, self.reason = field, reason
        self.case: int | None = None
        if code:
            self.code = code
        self.problems = problems or ({"code": self.code, "field": field, "message": reason},)

    def at(self, case: int) -> InputError:
        """This error, saying it was the ``case``-th case (0-based) of a batch; returns itself."""
        self.case = case
        return self

    def lines(self) -> list[str]:
        """One line per problem: ``[code] field: message``."""
        return [f"[{p['code']}] {p['field']}: {p['message']}" for p in self.problems]


class UnknownCountryError(InputError):
    """A country code that ISO 3166-1 does not know, with a suggestion.

    >>> import ira30d
    >>> try:
    ...     ira30d.default_ruleset().with_countries(add={"cma_partners": ["UK"]})
    ... except ira30d.UnknownCountryError as e:
    ...     e.suggestion
    'GB'
    """

    def __init__(self, field: str, value: str, suggestion: str | None) -> None:
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        super().__init__(
            field, f"unknown ISO 3166-1 alpha-2 country code {value!r}{hint}", "unknown_country"
        )
        self.value, self.suggestion = value, suggestion


class UnknownRequirementError(Ira30dError, KeyError):
    """A requirement id that the rule set does not have."""

    code = "unknown_requirement"

    def __init__(self, requirement: str, known: list[str]) -> None:
        Ira30dError.__init__(
            self, f"unknown requirement {requirement!r}; known: {', '.join(known)}"
        )
        self.requirement = requirement

    def __str__(self) -> str:
        return self.message


class EngineError(Ira30dError):
    """The rule engine reported a failure it should never report; a bug, not bad input.

    >>> EngineError("durable-rules refused the facts (code 1)").code
    'engine'
    """

    code = "engine"


# Tracebacks and reprs name the public class (``ira30d.RuleFileError``), not this module.
for _cls in (Ira30dError, RuleFileError, InputError, UnknownCountryError, EngineError):
    _cls.__module__ = "ira30d"
