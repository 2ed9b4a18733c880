"""Code groupings the indicators and breakdowns share (data-contract.md, "Code meanings")."""

from __future__ import annotations

import pandas as pd

#: LS codes for an agreed series of short breaks: excluded from every CiC count.
SHORT_BREAK_LS = frozenset({"V3", "V4"})
#: RNE codes that start a new placement, i.e. a new carer: S (new period), P (placement
#: and carer changed) and B (legal status, placement and carer changed). L, T and U keep
#: the carer (DfE SSDA903 guidance; validator rules 217, 435 and 436).
NEW_CARER_RNE = frozenset({"S", "P", "B"})
#: Temporary placements: they neither count nor break a placement.
TEMPORARY_PLACE = frozenset({"T0", "T1", "T2", "T3", "T4"})
ADOPTION_PLACE = frozenset({"A3", "A4", "A5", "A6"})
FOSTER_PLACE = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
FOSTER_FRIENDS_RELATIVES = frozenset({"U1", "U2", "U3"})
ADOPTED_REC = frozenset({"E11", "E12"})
#: Special guardianship orders: E45-E48 in current returns, E43/E44 in older ones (DfE
#: rule 407). E41 (residence or child arrangements order) is not an SGO.
SGO_REC = frozenset({"E43", "E44", "E45", "E46", "E47", "E48"})
PLACEMENT_ORDER_LS = frozenset({"E1", "D1"})

_PLACEMENT_TYPE = {
    **dict.fromkeys(FOSTER_PLACE, "Foster care"),
    **dict.fromkeys(ADOPTION_PLACE, "Placed for adoption"),
    **dict.fromkeys(["K1", "K2", "R1", "S1"], "Residential"),
    "P1": "Placed with parents",
    # K3 (supported accommodation, 2024/25 on) replaces H5/P2: independent living, not
    # residential (DfE, "Children looked after" placement groups).
    **dict.fromkeys(["P2", "P3", "H5", "K3"], "Independent or semi-independent living"),
}
PLACEMENT_TYPES = (
    "Foster care", "Placed for adoption", "Residential", "Placed with parents",
    "Independent or semi-independent living", "Other",
)

#: REC code -> reason episode ceased, grouped as in the DfE "Children looked after"
#: statistics (SSDA903 guidance, REC codes). The one place every measure, cohort and
#: recipe reads a reason ceased from. X1 (a new episode follows) ends no period.
_REASON_CEASED = {
    **dict.fromkeys(ADOPTED_REC, "Adopted"),
    **dict.fromkeys(SGO_REC, "Special guardianship order"),
    "E41": "Child arrangements (residence) order",
    **dict.fromkeys(["E4A", "E4B"], "Returned home to parents"),
    "E13": "Left to live with parents or relatives",
    **dict.fromkeys(["E5", "E6"], "Moved into independent living"),
    "E17": "Remained with carers at 18 (staying put)",
    "E7": "Transferred to adult social care",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessed as 18 or over",
    "E16": "Moved abroad",
    "E2": "Died",
    "E3": "Care taken over by another local authority",
    "E8": "Other reason",
}
REASONS_CEASED = (
    "Adopted", "Special guardianship order", "Child arrangements (residence) order",
    "Returned home to parents", "Left to live with parents or relatives",
    "Moved into independent living", "Remained with carers at 18 (staying put)",
    "Transferred to adult social care", "Sentenced to custody",
    "Accommodation on remand ended", "Age assessed as 18 or over", "Moved abroad", "Died",
    "Care taken over by another local authority", "Other reason",
)

_ETHNICITY_GROUP = {
    **dict.fromkeys(["WBRI", "WIRI", "WIRT", "WOTH", "WROM"], "White"),
    **dict.fromkeys(["MWBC", "MWBA", "MWAS", "MOTH"], "Mixed"),
    **dict.fromkeys(["AIND", "APKN", "ABAN", "AOTH"], "Asian or Asian British"),
    **dict.fromkeys(["BCRB", "BAFR", "BOTH"], "Black or Black British"),
    **dict.fromkeys(["CHNE", "OOTH"], "Other ethnic group"),
    **dict.fromkeys(["REFU", "NOBT"], "Not stated"),
}
ETHNICITY_GROUPS = (
    "White", "Mixed", "Asian or Asian British", "Black or Black British",
    "Other ethnic group", "Not stated",
)

_SEX = {"1": "Male", "M": "Male", "2": "Female", "F": "Female", "U": "Unknown"}
SEXES = ("Male", "Female", "Unknown")

_LEGAL_STATUS = {
    **dict.fromkeys(["C1"], "Interim care order"),
    **dict.fromkeys(["C2"], "Full care order"),
    **dict.fromkeys(["D1", "E1"], "Placement order"),
    **dict.fromkeys(["V2"], "Section 20"),
    **dict.fromkeys(["J1", "J2", "J3"], "Youth justice"),
    **dict.fromkeys(["L1", "L2", "L3"], "Police protection or emergency order"),
}
LEGAL_STATUSES = (
    "Interim care order", "Full care order", "Placement order", "Section 20",
    "Youth justice", "Police protection or emergency order", "Other",
)

AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17", "18 and over")
_AGE_EDGES = [-1, 0, 4, 9, 15, 17, 200]


def _mapped(
    codes: pd.Series, mapping: dict[str, str], order: tuple[str, ...], other: str,
) -> pd.Categorical[str]:
    labels = codes.astype("str").str.strip().map(mapping).fillna(other)
    return pd.Categorical(labels, categories=order)


def placement_type(place: pd.Series) -> pd.Categorical[str]:
    """PLACE code -> placement type group (foster, adoption, residential, parents, ...)."""
    return _mapped(place, _PLACEMENT_TYPE, PLACEMENT_TYPES, "Other")


def reason_ceased(rec: pd.Series) -> pd.Categorical[str]:
    """REC code -> the DfE reason-ceased group (adopted, SGO, returned home, ...)."""
    return _mapped(rec, _REASON_CEASED, REASONS_CEASED, "Other reason")


def ethnicity_group(ethnic: pd.Series) -> pd.Categorical[str]:
    """ETHNIC code -> the DfE major ethnic group."""
    return _mapped(ethnic, _ETHNICITY_GROUP, ETHNICITY_GROUPS, "Not stated")


def sex_label(sex: pd.Series) -> pd.Categorical[str]:
    """SEX code (1/2 before 2024/25, M/F/U from 2024/25) -> Male/Female/Unknown."""
    return _mapped(sex, _SEX, SEXES, "Unknown")


def legal_status_group(ls: pd.Series) -> pd.Categorical[str]:
    """LS code -> legal status group (care order, placement order, section 20, ...)."""
    return _mapped(ls, _LEGAL_STATUS, LEGAL_STATUSES, "Other")


def age_on(dob: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Age in completed years on a date (indicators.md, "Age")."""
    dob = pd.to_datetime(dob)
    on = pd.Series(pd.to_datetime(on), index=dob.index) if not isinstance(on, pd.Series) else on
    before_birthday = (on.dt.month * 100 + on.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    return (on.dt.year - dob.dt.year - before_birthday.astype(int)).astype("Int64")


def age_band(age: pd.Series) -> pd.Series:
    """Completed years -> the DfE age bands: under 1, 1-4, 5-9, 10-15, 16-17 (18+ kept apart)."""
    return pd.cut(age.astype("float"), _AGE_EDGES, labels=list(AGE_BANDS))


#: OC3 IN_TOUCH codes of young people outside the DfE care-leaver cohort: DIED, and RHOM
#: (returned home to parents for 6 months or more). DfE "Children looked after" statistics.
OC3_OUT_OF_COHORT = frozenset({"DIED", "RHOM"})
#: OC3 ACTIV first letters meaning education, employment or training: every F* (full time)
#: and P* (part time) code; G4-G6 are NEET and 0 is no information (DfE rule 132).
EET_ACTIV_PREFIXES = ("F", "P")


def _oc3_codes(codes: pd.Series) -> pd.Series:
    return codes.astype("str").str.strip().str.upper()


def oc3_eet(activ: pd.Series) -> pd.Series:
    """OC3 ACTIV -> in education, employment or training (every F* and P* code; DfE rule 132)."""
    eet = _oc3_codes(activ).str[:1].isin(EET_ACTIV_PREFIXES)
    return pd.Series(eet.to_numpy(dtype=bool, na_value=False), index=activ.index)


def oc3_suitable(accom: pd.Series) -> pd.Series:
    """OC3 ACCOM -> suitable accommodation: a letter then 1 (2 is unsuitable, 0 no
    information; DfE rule 133)."""
    suitable = _oc3_codes(accom).str.fullmatch(r"[A-Z]1")
    return pd.Series(suitable.to_numpy(dtype=bool, na_value=False), index=accom.index)


def oc3_in_cohort(in_touch: pd.Series) -> pd.Series:
    """OC3 IN_TOUCH -> still in the DfE care-leaver cohort (not DIED or RHOM)."""
    keep = ~_oc3_codes(in_touch).isin(OC3_OUT_OF_COHORT)
    return pd.Series(keep.to_numpy(dtype=bool, na_value=False), index=in_touch.index)
