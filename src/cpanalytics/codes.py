"""SSDA903 code lists keyed by collection year (year ending 31 March).

Lists follow the DfE validator rules (``lac_validator.rules.lac20XX_YY``: 101 SEX, 103 ETHNIC,
143 RNE, 144 LS, 145 CIN, 146 PLACE, 149 REC, 167 REVIEW_CODE, 1009 REASON_PLACE_CHANGE ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSpan:
    """Codes valid from collection year ``first`` to ``last`` inclusive (None = open-ended)."""

    codes: frozenset[str]
    first: int | None = None
    last: int | None = None

    def covers(self, year: int) -> bool:
        """True when the span applies to collection year ``year``."""
        return (self.first is None or year >= self.first) and (
            self.last is None or year <= self.last
        )


def _span(codes: str, first: int | None = None, last: int | None = None) -> CodeSpan:
    return CodeSpan(frozenset(codes.split()), first, last)


_PLACE_ALL = "A3 A4 A5 A6 K1 K2 P1 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6"
_REC = (
    "E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E8 E9 E14 E15 E16 E17 X1"
)
_ETHNIC = (
    "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH "
    "CHNE OOTH REFU NOBT"
)
_REASON_PLACE_CHANGE = (
    "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER"
)
_OC3_ACCOM = (  # type letter + 1 suitable / 2 unsuitable (DfE rule 133)
    "B1 B2 C1 C2 D1 D2 E1 E2 G1 G2 H1 H2 K1 K2 R1 R2 S2 T1 T2 U1 U2 V1 V2 W1 W2 X2 Y1 Y2 "
    "Z1 Z2 0"
)

#: Column -> code spans. A code is valid in year Y when a span covering Y lists it.
CODE_LISTS: dict[str, tuple[CodeSpan, ...]] = {
    "SEX": (_span("1 2", last=2024), _span("M F U", first=2025)),
    "ETHNIC": (_span(_ETHNIC),),
    "MOTHER": (_span("0 1"),),
    "RNE": (_span("S P L T U B"),),
    "LS": (_span("C1 C2 D1 E1 V2 V3 V4 J1 J2 J3 L1 L2 L3"),),
    "CIN": (_span("N1 N2 N3 N4 N5 N6 N7 N8"),),
    "PLACE": (
        _span(_PLACE_ALL),
        _span("H5 P2 Z1", last=2025),
        _span("K3 Z11 Z12 Z13 Z14", first=2025),
    ),
    "PLACE_PROVIDER": (_span("PR0 PR1 PR2 PR3 PR4 PR5"),),
    "REC": (_span(_REC),),
    "REASON_PLACE_CHANGE": (_span(_REASON_PLACE_CHANGE),),
    "REVIEW_CODE": (_span("PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7"),),
    "SDQ_REASON": (_span("SDQ1 SDQ2 SDQ3 SDQ4 SDQ5"),),
    "CONVICTED": (_span("0 1"),),
    "HEALTH_CHECK": (_span("0 1"),),
    "IMMUNISATIONS": (_span("0 1"),),
    "TEETH_CHECK": (_span("0 1"),),
    "HEALTH_ASSESSMENT": (_span("0 1"),),
    "SUBSTANCE_MISUSE": (_span("0 1"),),
    "INTERVENTION_RECEIVED": (_span("0 1"),),
    "INTERVENTION_OFFERED": (_span("0 1"),),
    "IN_TOUCH": (_span("YES NO DIED REFU NREQ RHOM"),),
    "ACTIV": (_span("F1 P1 F2 P2 F4 P4 F5 P5 G4 G5 G6 0"),),
    "ACCOM": (_span(_OC3_ACCOM),),
    "FOSTER_CARE": (_span("0 1"),),
    "NB_ADOPTR": (_span("1 2"),),
    "SEX_ADOPTR": (_span("M1 F1 MM FF MF"),),
    "LS_ADOPTR": (_span("L0 L11 L12 L2 L3 L4"),),
    "REASON_PLACED_CEASED": (_span("RD1 RD2 RD3 RD4"),),
    "PREV_PERM": (_span("P1 P2 P3 P4 Z1"),),
    "MISSING": (_span("M A"),),
}

#: Code lists of the local extracts (data contract, "Local extracts"); not year-dependent.
LOCAL_CODE_LISTS: dict[str, frozenset[str]] = {
    "TYPE": frozenset({"IHA", "RHA", "DENTAL"}),
    "BREACH_BY": frozenset({"LA", "HEALTH"}),
    "STAGE": frozenset({"DR1", "DR2", "DR3"}),
    "GRADE": frozenset({"OUTSTANDING", "GOOD", "RI", "INADEQUATE"}),
}


def valid_codes(column: str, year: int) -> frozenset[str]:
    """The codes valid for ``column`` in collection year ``year`` (empty if not a coded column)."""
    out: set[str] = set()
    for span in CODE_LISTS.get(column, ()):
        if span.covers(year):
            out |= span.codes
    return frozenset(out)


def all_codes(column: str) -> frozenset[str]:
    """Every code ever valid for ``column``, in any collection year."""
    return frozenset().union(*(s.codes for s in CODE_LISTS.get(column, ())))


def years_valid(column: str, code: str) -> str:
    """Human-readable years in which ``code`` is valid for ``column``, e.g. '2025 onwards'."""
    parts = []
    for span in CODE_LISTS.get(column, ()):
        if code not in span.codes:
            continue
        if span.first and span.last:
            parts.append(f"{span.first} to {span.last}")
        elif span.first:
            parts.append(f"{span.first} onwards")
        elif span.last:
            parts.append(f"up to {span.last}")
        else:
            parts.append("every year")
    return ", ".join(parts) or "no year"
