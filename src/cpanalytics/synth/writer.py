"""Write one SSDA903 return per collection year (DfE columns, dates dd/mm/YYYY).

Each return holds what DfE asks for in that year (data-contract.md): episodes open at any
time in the year with DEC (and REC) blank if still open on 31 March, header rows for the
children in that year's tables, reviews held in the year, and the annual tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpanalytics.data.model import TABLES_903
from cpanalytics.synth.calendar import DateText, year_end, year_start

#: SEX codes changed from 1/2 to M/F/U in collection year 2025 (2024/25).
SEX_LETTERS_FROM = 2025
#: Supported accommodation (H5) carries an Ofsted URN from the 2023/24 return.
H5_URN_FROM = 2024
#: SGOs are E45-E48 from this collection year and E43 (to former foster carers) or E44
#: (to other carers) before it; the year follows the per-year code lists
#: (src/cpanalytics/codelists, cpanalytics.data.codes.valid_codes).
SGO_SPLIT_FROM = 2021
OLD_SGO = {"E45": "E43", "E46": "E43", "E47": "E44", "E48": "E44"}
#: OC3 ACTIV: training (F4/P4) and employment (F5/P5) from this year; one code (F3/P3)
#: for training or employment before it.
ACTIV_SPLIT_FROM = 2022
OLD_ACTIV = {"F4": "F3", "F5": "F3", "P4": "P3", "P5": "P3"}


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV deterministically (LF line endings, UTF-8, no index, no quoting).

    Generated values never hold commas, quotes or line breaks; that is checked.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = []
    for name in df.columns:
        values = df[name].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = ""
        cols.append([str(v) for v in values])
    lines = [",".join(df.columns), *map(",".join, zip(*cols, strict=True))]
    text = "\n".join(lines) + "\n"
    if text.count(",") != len(lines) * (len(df.columns) - 1) or '"' in text:
        raise ValueError(f"a value for {path.name} holds a comma or quote")
    path.write_text(text, encoding="utf-8", newline="\n")


def _sex(sex: np.ndarray, year: int) -> np.ndarray:
    codes = ("M", "F") if year >= SEX_LETTERS_FROM else ("1", "2")
    return np.where(np.asarray(sex) == 1, codes[1], codes[0])


def _era(codes: np.ndarray, year: int, first_new: int, old: dict[str, str]) -> np.ndarray:
    """Codes as written in collection year ``year``: the ``old`` ones before ``first_new``."""
    if year >= first_new:
        return codes
    return pd.Series(codes, dtype=object).replace(old).to_numpy()


def year_tables(year: int, world: dict[str, Any], fmt: DateText) -> dict[str, pd.DataFrame]:
    """The tables of the return for one collection year (``world`` from ``simulate``: tables,
    and ``oc2``/``oc3`` as year -> table)."""
    ys, ye = year_start(year), year_end(year)
    children = world["children"]
    ep = world["episodes"]
    ep = ep[(ep["DECOM"].to_numpy() <= ye) & (ep["DEC"].to_numpy() >= ys)]
    ep = ep.sort_values(["child", "DECOM"], kind="stable")
    open_ = ep["DEC"].to_numpy() > ye
    episodes = _frame({
        "child": ep["child"].to_numpy(),
        "DECOM": fmt(ep["DECOM"].to_numpy()), "RNE": ep["RNE"].to_numpy(),
        "LS": ep["LS"].to_numpy(), "CIN": ep["CIN"].to_numpy(), "PLACE": ep["PLACE"].to_numpy(),
        "PLACE_PROVIDER": ep["PLACE_PROVIDER"].to_numpy(),
        "DEC": np.where(open_, "", fmt(ep["DEC"].to_numpy())),
        "REC": np.where(open_, "", _era(ep["REC"].to_numpy(), year, SGO_SPLIT_FROM, OLD_SGO)),
        "REASON_PLACE_CHANGE": np.where(open_, "", ep["REASON_PLACE_CHANGE"].to_numpy()),
        "HOME_POST": ep["HOME_POST"].to_numpy(), "PL_POST": ep["PL_POST"].to_numpy(),
        "URN": np.where((ep["PLACE"].to_numpy() == "H5") & (year < H5_URN_FROM), "XXXXXXX",
                        ep["URN"].to_numpy()),
    })
    rv = world["reviews"]
    rv = rv[(rv["REVIEW"] >= ys) & (rv["REVIEW"] <= ye)].sort_values(["child", "REVIEW"])
    reviews = _frame({"child": rv["child"].to_numpy(), "REVIEW": fmt(rv["REVIEW"].to_numpy()),
                            "REVIEW_CODE": rv["REVIEW_CODE"].to_numpy()})
    ms = world["missing"]
    ms = ms[(ms["MIS_START"] >= ys) & (ms["MIS_START"] <= ye)]
    missing = _frame({"child": ms["child"].to_numpy(), "MISSING": ms["MISSING"].to_numpy(),
                            "MIS_START": fmt(ms["MIS_START"].to_numpy()),
                            "MIS_END": fmt(np.where(ms["MIS_END"].to_numpy() > ye, -1,
                                                    ms["MIS_END"].to_numpy()))})
    ad = world["ad1"]
    ad = ad[(ad["adopted_on"] >= ys) & (ad["adopted_on"] <= ye)]
    ad1 = ad.drop(columns="adopted_on").assign(DATE_INT=fmt(ad["DATE_INT"].to_numpy()),
                                                DATE_MATCH=fmt(ad["DATE_MATCH"].to_numpy()))
    pa = world["placed_for_adoption"]
    # decisions stand until the adoption order, so DATE_PLACED_CEASED stays blank (rule 525)
    pa = pa[(pa["DATE_PLACED"] <= ye) & (pa["ceased"] >= ys)]
    placed = _frame({
        "child": pa["child"].to_numpy(), "DATE_PLACED": fmt(pa["DATE_PLACED"].to_numpy()),
        "DATE_PLACED_CEASED": "", "REASON_PLACED_CEASED": "",
    })
    pp = world["previous_permanence"]
    pp = pp[(pp["start"] >= ys) & (pp["start"] <= ye)].drop_duplicates("child", keep="first")
    prev = _frame({"child": pp["child"].to_numpy(), "PREV_PERM": pp["PREV_PERM"].to_numpy(),
                         "LA_PERM": pp["LA_PERM"].to_numpy(),
                         "DATE_PERM": fmt(pp["DATE_PERM"].to_numpy())})
    oc2 = world["oc2"].get(year, pd.DataFrame(columns=["child"]))
    oc3 = world["oc3"].get(year, pd.DataFrame(columns=["child", "ACTIV"]))
    oc3 = oc3.assign(ACTIV=_era(oc3["ACTIV"].to_numpy(), year, ACTIV_SPLIT_FROM, OLD_ACTIV))
    in_care = np.unique(episodes["child"].to_numpy(dtype=np.int64))
    everyone = np.unique(np.concatenate([in_care, oc3["child"].to_numpy(dtype=np.int64),
                                         ad1["child"].to_numpy(dtype=np.int64)]))
    kids = children.loc[everyone]
    is_mother = kids["MOTHER"].to_numpy() & (kids["mc_dob"].to_numpy() <= ye)
    mother = np.where(is_mother, "1", np.where(kids["sex"].to_numpy() == 1, "0", ""))
    mother = np.where(np.isin(kids.index, in_care) & ~kids["short_breaks"].to_numpy(), mother, "")
    header = _frame({
        "child": kids.index.to_numpy(), "SEX": _sex(kids["sex"].to_numpy(), year),
        "DOB": fmt(kids["dob"].to_numpy()), "ETHNIC": kids["ETHNIC"].to_numpy(),
        "UPN": kids["UPN"].to_numpy(), "MOTHER": mother,
        "MC_DOB": np.where(mother == "1", fmt(kids["mc_dob"].to_numpy()), ""),
    })
    uk = children.loc[in_care]
    uk = uk[uk["uasc"].to_numpy()]
    uasc = _frame({"child": uk.index.to_numpy(), "SEX": _sex(uk["sex"].to_numpy(), year),
                         "DOB": fmt(uk["dob"].to_numpy()), "DUC": fmt(uk["duc"].to_numpy())})
    tables = {"header": header, "episodes": episodes, "uasc": uasc, "reviews": reviews,
              "oc2": oc2, "oc3": oc3, "ad1": ad1, "placed_for_adoption": placed,
              "previous_permanence": prev, "missing": missing}
    return {name: _finish(name, df, children, fmt) for name, df in tables.items()}


def _frame(columns: dict) -> pd.DataFrame:
    """An object-dtype frame: no conversion to Arrow strings for data only written out."""
    return pd.DataFrame(columns, dtype=object)


def _finish(name: str, df: pd.DataFrame, children: pd.DataFrame, fmt: DateText) -> pd.DataFrame:
    """Map internal child numbers to CHILD ids, add DOB, order columns as DfE's."""
    child = df["child"].to_numpy(dtype=np.int64)
    columns = {"CHILD": children["CHILD"].to_numpy()[child]}
    for col in TABLES_903[name][1:]:
        columns[col] = (fmt(children["dob"].to_numpy()[child])
                        if col == "DOB" and "DOB" not in df.columns else df[col].to_numpy())
    return _frame(columns)


def write_year(root: Path, year: int, tables: dict[str, pd.DataFrame]) -> None:
    """Write ``root/903/<year>/<table>.csv`` for every table."""
    for name, df in tables.items():
        write_csv(df, root / "903" / str(year) / f"{name}.csv")

