"""Dates as integer day numbers (days since 1970-01-01), for fast vectorised simulation.

Working days follow indicators.md: Monday to Friday, excluding England and Wales bank
holidays (``holidays`` package, offline).
"""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")


def day(text: str) -> int:
    """'2019-03-31' -> day number."""
    return int((np.datetime64(text, "D") - EPOCH).astype(np.int64))


def year_start(year: int) -> int:
    """First day (1 April) of a collection year ending 31 March ``year``."""
    return day(f"{year - 1}-04-01")


def year_end(year: int) -> int:
    """Last day (31 March) of collection year ``year``."""
    return day(f"{year}-03-31")


@lru_cache(maxsize=4)
def _bank_holidays(first: int, last: int) -> np.ndarray:
    dates = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return np.array(sorted(dates), dtype="datetime64[D]")


def add_working_days(days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """The Nth working day after each day (counting from the first working day after it)."""
    dates = EPOCH + np.asarray(days, dtype=np.int64)
    out = np.busday_offset(dates, n, roll="backward", holidays=_bank_holidays(1980, 2035))
    return (out - EPOCH).astype(np.int64)


def add_months(days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """Same day N calendar months later; a day missing in a short month becomes its last day."""
    dates = EPOCH + np.asarray(days, dtype=np.int64)
    month = dates.astype("datetime64[M]")
    dom = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(n, dtype=np.int64)
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    out = target.astype("datetime64[D]") + np.minimum(dom, last - 1)
    return (out - EPOCH).astype(np.int64)


def add_years(days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """Same calendar day N years later (29 February -> 28 February)."""
    return add_months(days, np.asarray(n, dtype=np.int64) * 12)


def age_on(dob: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Completed years of age on a day."""
    dob = np.asarray(dob, dtype=np.int64)
    on = np.asarray(on, dtype=np.int64)
    years = calendar_year(on) - calendar_year(dob)
    return years - (add_years(dob, years) > on)


def calendar_year(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day."""
    return (EPOCH + np.asarray(days, dtype=np.int64)).astype("datetime64[Y]").astype(np.int64) + 1970


class DateText:
    """Formats day numbers as dd/mm/YYYY through a lookup table (fast for millions of rows)."""

    def __init__(self, first: str = "1970-01-01", last: str = "2040-12-31") -> None:
        self.first = day(first)
        dates = np.arange(EPOCH + self.first, np.datetime64(last, "D") + 1)
        iso = np.datetime_as_string(dates, unit="D")
        self.text = np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso], dtype=object)

    def __call__(self, days: np.ndarray) -> np.ndarray:
        """Day numbers -> strings; days outside the table (e.g. the -1 sentinel) -> ''."""
        days = np.asarray(days, dtype=np.int64)
        out = np.full(days.shape, "", dtype=object)
        ok = (days >= self.first) & (days < self.first + len(self.text))
        out[ok] = self.text[days[ok] - self.first]
        return out
