"""Dates given by people, and the dates loaded data covers.

One reader for every date option and API argument: ISO ``YYYY-MM-DD`` (2025-03-31) or UK
day/month/year (31/03/2025, also with ``.`` or ``-``). A date is never read month first
(US): ``04/13/2025`` is refused, ``01/04/2025`` is 1 April. Two-digit years are refused.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from cpanalytics.errors import UserError

FORMS = "YYYY-MM-DD (e.g. 2025-03-31) or day/month/year (31/03/2025)"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_UK = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


def parse_date(value: str | dt.date | np.datetime64 | pd.Timestamp, option: str = "date") -> pd.Timestamp:
    """``value`` as a Timestamp: a date object as it is, text ISO or UK day first (E304 otherwise).

    ``option`` names the argument in the message (``--as-at``, ``as_at``).
    """
    if isinstance(value, pd.Timestamp | dt.date | np.datetime64):
        return pd.Timestamp(value)
    text = str(value).strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _UK.fullmatch(text):
        day, _, month, year = match.groups()
    else:
        raise UserError(f"{option} {text!r} is not a date in a form read here",
                        fix=f"write it as {FORMS}; dates are never read month first (US)",
                        code="E304")
    try:
        return pd.Timestamp(int(year), int(month), int(day))
    except ValueError:
        looks_us = match.re is _UK and int(day) <= 12 < int(month)
        us = "; day/month/year is read the UK way, and this looks month first (US)" if looks_us else ""
        raise UserError(f"{option} {text!r} is not a real date (day {int(day)}, month "
                        f"{int(month)}){us}", code="E304",
                        fix=f"write it as {FORMS}") from None


def collection_year(dates: pd.Series) -> pd.Series:
    """The collection year (ending 31 March) containing each date: 2018-08-31 -> 2019."""
    when = pd.to_datetime(dates)
    return when.dt.year + (when.dt.month >= 4).astype(int)


def year_end(years: pd.Series) -> pd.Series:
    """31 March of each collection year."""
    return pd.to_datetime(years.astype(str) + "-03-31")


def coverage(years: list[int] | set[int]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day the collection years cover: 1 April before the first, 31 March of the last."""
    return pd.Timestamp(min(years) - 1, 4, 1), pd.Timestamp(max(years), 3, 31)


def describe_coverage(years: list[int] | set[int]) -> str:
    """``1 April 2013 to 31 March 2025 (collection years 2014 to 2025)``."""
    first, last = coverage(years)
    span = f"year {min(years)}" if min(years) == max(years) else f"years {min(years)} to {max(years)}"
    return f"{_long(first)} to {_long(last)} (collection {span})"


def check_within(when: pd.Timestamp, years: list[int] | set[int], option: str,
                 what: str = "the loaded data") -> None:
    """E307 when ``when`` lies outside the collection years: no figure would be true."""
    first, last = coverage(years)
    if not first <= when <= last:
        side = "before" if when < first else "after"
        raise UserError(
            f"{option} {when.date().isoformat()} is {side} {what}, which covers "
            f"{describe_coverage(years)}", code="E307",
            fix=f"choose a date from {first.date().isoformat()} to {last.date().isoformat()}, "
                "or load the return for that year")


def check_order(start: pd.Timestamp, end: pd.Timestamp, first: str = "--from", second: str = "--to") -> None:
    """E308 when the start of a range comes after its end."""
    if start > end:
        raise UserError(
            f"{first} {start.date().isoformat()} is after {second} {end.date().isoformat()}",
            code="E308",
            fix=f"give the earlier date as {first} and the later as {second}")


def _long(when: pd.Timestamp) -> str:
    return f"{when.day} {when.strftime('%B %Y')}"
