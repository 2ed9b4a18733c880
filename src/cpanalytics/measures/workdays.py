"""Working days: Monday to Friday, excluding England and Wales bank holidays.

Definition (indicators.md, "Working days"): "N working days after date D" counts from the
first working day after D; the due date is the Nth such day.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

_FIRST_YEAR = 1990
_LAST_YEAR = 2045


@lru_cache(maxsize=1)
def bank_holidays() -> np.ndarray:
    """England and Wales bank holidays (``holidays`` package, offline) as ``datetime64[D]``."""
    import holidays  # 20 ms: imported by the measures that count working days, when they run

    days = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(_FIRST_YEAR, _LAST_YEAR + 1)
    )
    return np.array(sorted(days), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def _calendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=bank_holidays())


def add_working_days(dates: pd.Series | pd.DatetimeIndex, n: int) -> pd.Series:
    """The Nth working day after each date (NaT stays NaT).

    Rolling back to the last working day on or before D, then offsetting N working days,
    gives exactly "the Nth working day after D" whether or not D is itself a working day.
    """
    values = pd.Series(pd.to_datetime(dates)).reset_index(drop=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    known = values.notna()
    if known.any():
        days = values[known].to_numpy().astype("datetime64[D]")
        due = np.busday_offset(days, n, roll="backward", busdaycal=_calendar())
        out[known] = due.astype("datetime64[us]")
    if isinstance(dates, pd.Series):
        out.index = dates.index
    return out
