"""Error types. Every error carries a stable ``code`` and its facts as attributes.

>>> err = InputError("vehicle.epa_label_class", "unknown EPA label class 'hovercraft'",
...                  "unknown_class")
>>> str(err), err.to_dict()["code"], err.field
("vehicle.epa_label_class: unknown EPA label class 'hovercraft'", 'unknown_class',
 'vehicle.epa_label_class')
"""

from __future__ import annotations


class Ira30dError(Exception):
    """Base of every error ira30d raises on purpose."""

    code = "ira30d_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """The error as data: ``code``, ``message`` and the error's own fields."""
        data = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        return {"code": self.code, **data}


class RuleFileError(Ira30dError):
    """A rule file is malformed: names the file and the path inside it."""

    code = "rule_file"

    def __init__(self, file: str, path: str, reason: str) -> None:
        super().__init__(f"{file}: at {path or '<root>'}: {reason}")
        self.file, self.path, self.reason = file, path, reason


class InputError(Ira30dError):
    """The input is well-typed but inconsistent (unknown reference, cycle, unknown mineral...)."""

    code = "input"

    def __init__(self, field: str, reason: str, code: str | None = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason
        if code:
            self.code = code


class UnknownCountryError(InputError):
    """A country code that ISO 3166-1 does not know, with a suggestion."""

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
    """The rule engine reported a failure it should never report; a bug, not bad input."""

    code = "engine"


# Tracebacks and reprs name the public class (``ira30d.RuleFileError``), not this module.
for _cls in (Ira30dError, RuleFileError, InputError, UnknownCountryError, EngineError):
    _cls.__module__ = "ira30d"
