"""Child attributes on a date, for splitting any measure ``by`` a column.

Attributes that change over time (age band, UASC status, legal status, placement type,
provider) are taken on each unit row's ``ref_date`` (default: the period-end ``date``).
"""

from __future__ import annotations

import difflib

import pandas as pd

from cpanalytics.errors import UserError
from cpanalytics.measures import groups, reference
from cpanalytics.measures.derive import Derived, uasc_on

#: Breakdown name -> what it is.
BREAKDOWNS: dict[str, str] = {
    "uasc": "UASC or citizen child on the date (in uasc.csv and before DUC)",
    "sex": "sex from the header",
    "age_band": "age band in completed years on the date (under 1, 1-4, 5-9, 10-15, 16-17)",
    "ethnicity_group": "DfE major ethnic group",
    "legal_status": "legal status group of the episode open on the date",
    "placement_type": "placement type group of the episode open on the date",
    "provider": "placement provider (PLACE_PROVIDER) of the episode open on the date",
    "district": "district of the child (local child_attributes.csv)",
    "area": "area grouping of districts (config areas.yaml)",
    "nationality": "nationality (local child_attributes.csv)",
    "disability": "disability flag (local child_attributes.csv)",
}

_CHILD_LEVEL = {"sex", "ethnicity_group", "district", "nationality", "disability"}
_EPISODE_LEVEL = {"legal_status": "LS", "placement_type": "PLACE", "provider": "PLACE_PROVIDER"}


def check_breakdown(by: str | None) -> None:
    """Raise a clear error for an unknown breakdown name."""
    if by is not None and by not in BREAKDOWNS:
        near = difflib.get_close_matches(by.strip().lower(), BREAKDOWNS, n=1)
        raise UserError(
            f"unknown breakdown {by!r}",
            fix=(f"did you mean {near[0]}? " if near else "") + "use one of: " + ", ".join(BREAKDOWNS),
            code="E301",
        )


def attach(units: pd.DataFrame, by: str, derived: Derived) -> pd.DataFrame:
    """Add the ``by`` column to unit rows (CHILD + date/ref_date), unless already present."""
    check_breakdown(by)
    if by in units.columns:
        return units
    out = units.copy()
    ref = pd.to_datetime(out["ref_date"] if "ref_date" in out else out["date"])
    kids = derived.children.set_index("CHILD")
    if by in _CHILD_LEVEL:
        out[by] = out["CHILD"].map(kids[by]).astype("str").fillna("Not recorded")
    elif by == "area":
        district = out["CHILD"].map(kids["district"]).astype("str")
        out[by] = reference.area_of(district, reference.areas(derived.config_roots)).astype("str").fillna("Not recorded")
    elif by == "uasc":
        flag = uasc_on(derived.children, out["CHILD"], ref)
        out[by] = pd.Categorical(flag.map({True: "UASC", False: "Citizen"}),
                                 categories=["Citizen", "UASC"])
    elif by == "age_band":
        out[by] = groups.age_band(groups.age_on(out["CHILD"].map(kids["DOB"]), ref))
    else:
        out[by] = _episode_attribute(out, ref, _EPISODE_LEVEL[by], derived.episodes)
        if by == "legal_status":
            out[by] = groups.legal_status_group(out[by])
        elif by == "placement_type":
            out[by] = groups.placement_type(out[by])
        else:
            out[by] = out[by].fillna("Not recorded")
    return out


def _episode_attribute(
    units: pd.DataFrame, ref: pd.Series, column: str, episodes: pd.DataFrame
) -> pd.Series:
    """The ``column`` of the latest episode starting on or before each unit's ref date."""
    left = pd.DataFrame({"_row": range(len(units)), "CHILD": units["CHILD"].to_numpy(),
                         "_ref": ref.to_numpy().astype("datetime64[us]")})
    right = episodes[["CHILD", "DECOM", column]].rename(columns={"DECOM": "_ref"})
    right = right.assign(_ref=right["_ref"].astype("datetime64[us]")).dropna(subset=["_ref"])
    merged = pd.merge_asof(
        left.sort_values("_ref"), right.sort_values("_ref"), on="_ref", by="CHILD",
        direction="backward",
    ).sort_values("_row")
    return pd.Series(merged[column].to_numpy(), index=units.index).astype("str")
