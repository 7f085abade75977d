"""Country codes: ISO 3166-1 alpha-2 validation with a "did you mean" suggestion.

>>> check_country("JP")
'JP'
"""

from __future__ import annotations

import difflib
import functools

from ira30d._common.errors import UnknownCountryError


@functools.lru_cache(maxsize=1)
def _alpha2() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> name, read from pycountry on first use (it loads a database)."""
    import pycountry

    return {c.alpha_2: c.name for c in pycountry.countries}


def check_country(code: str, field: str = "country") -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-2 code, else raise with a suggestion.

    >>> check_country("GB")
    'GB'
    >>> check_country("UK")
    Traceback (most recent call last):
    ...
    ira30d.UnknownCountryError: country: unknown ISO 3166-1 alpha-2 country code 'UK'
    (did you mean GB?)
    """
    if code in _alpha2():
        return code
    return _raise_unknown(code, field)


_ALIASES = {"UK": "GB", "EL": "GR"}  # common non-ISO codes (EU usage)


def _raise_unknown(code: str, field: str) -> str:
    text = str(code).strip()
    upper = text.upper()
    known = _alpha2()
    suggestion = _ALIASES.get(upper) or (upper if upper in known else None)
    if not suggestion:
        by_name = {name.lower(): a2 for a2, name in known.items()}
        close = difflib.get_close_matches(text.lower(), list(by_name), n=1, cutoff=0.75)
        suggestion = by_name[close[0]] if close else None
    raise UnknownCountryError(field, text, suggestion)
