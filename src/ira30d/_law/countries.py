"""Country lists with dated members, their validation and scenario overlays.

>>> import ira30d
>>> lists = ira30d.default_ruleset().countries
>>> uk = lists.overlay("uk", add={"cma_partners": ["GB"]})
>>> [m.code for m in uk.lists["cma_partners"].members], uk.hash != lists.hash
(['JP', 'GB'], True)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ira30d._common.errors import RuleFileError, UnknownCountryError
from ira30d._law.safe_yaml import load_yaml
from ira30d._models.codes import check_country


class Member(BaseModel):
    """A country on a list from ``since`` through ``until`` (inclusive; ``None``: no bound)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    since: date | None = None
    until: date | None = None
    instrument: str
    confidence: str = "U"


@dataclass(frozen=True)
class CountryList:
    """A named list of countries, each a member from ``since`` through ``until``."""

    name: str
    description: str
    members: tuple[Member, ...]


def _members(raw: Any, label: str, path: str) -> tuple[Member, ...]:
    if not isinstance(raw, list):
        raise RuleFileError(label, path, "expected a list of members")
    out = []
    for i, m in enumerate(raw):
        try:
            member = Member.model_validate(m)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise RuleFileError(
                label, f"{path}[{i}].{'.'.join(map(str, err['loc']))}", err["msg"]
            ) from None
        try:
            check_country(member.code)
        except UnknownCountryError as exc:
            raise RuleFileError(label, f"{path}[{i}].code", exc.reason) from None
        out.append(member)
    return tuple(out)


def load_country_file(path: Path, label: str) -> CountryList:
    """Read one country-list file (``name``, ``description``, ``members``)."""
    raw = load_yaml(path, label)
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise RuleFileError(label, "name", "a country list needs a name")
    unknown = set(raw) - {"name", "description", "members", "note", "source"}
    if unknown:
        raise RuleFileError(label, sorted(unknown)[0], "unknown key")
    return CountryList(
        raw["name"], str(raw.get("description", "")), _members(raw.get("members"), label, "members")
    )


@dataclass(frozen=True)
class Countries:
    """The set of country lists one determination uses, with a name and a content hash."""

    name: str
    lists: Mapping[str, CountryList]
    hash: str

    @classmethod
    def build(cls, name: str, lists: Mapping[str, CountryList]) -> Countries:
        canon = {
            k: [m.model_dump(mode="json") for m in v.members] for k, v in sorted(lists.items())
        }
        digest = hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()
        return cls(name, dict(lists), digest)

    def overlay(
        self,
        name: str,
        add: Mapping[str, Iterable[Any]] = {},
        remove: Mapping[str, Iterable[str]] = {},
    ) -> Countries:
        """A new set with members added to or removed from named lists.

        ``add`` maps a list name to country codes (in force from any date) or member mappings.
        """
        lists = dict(self.lists)
        for ln, items in add.items():
            base = self._list(ln)
            new: list[Member] = []
            for item in items:
                if isinstance(item, str):
                    item = {
                        "code": check_country(item, f"add.{ln}"),
                        "instrument": f"scenario {name}",
                    }
                new += _members([item], f"scenario {name}", f"add.{ln}")
            lists[ln] = CountryList(ln, base.description, base.members + tuple(new))
        for ln, codes in remove.items():
            base = self._list(ln)
            drop = {check_country(c, f"remove.{ln}") for c in codes}
            lists[ln] = CountryList(
                ln, base.description, tuple(m for m in lists[ln].members if m.code not in drop)
            )
        return Countries.build(name, lists)

    def _list(self, ln: str) -> CountryList:
        if ln not in self.lists:
            from ira30d._common.errors import InputError

            raise InputError(
                "countries",
                f"unknown country list {ln!r}; known: {', '.join(sorted(self.lists))}",
                "unknown_list",
            )
        return self.lists[ln]
