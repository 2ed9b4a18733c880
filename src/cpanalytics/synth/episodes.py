"""Episodes of care: placements (same-carer runs, temporary moves) and legal status over
each period of care, merged into SSDA903 episodes with RNE S/P/T/L/U/B.

A new episode starts whenever the placement or the legal status changes. RNE follows the
DfE SSDA903 guidance and validator rules 217, 435 and 436: P and B bring a new carer (B
with a legal status change), T and U keep the carer but change the placement (U with a
legal status change), L changes the legal status only. Same-carer changes are foster
placements becoming long-term (U6 -> U4, U3 -> U1) and foster-carer adoptions (U4-U6 ->
A5); B comes from moves made on the day the legal status changes. A return from a
temporary move (T0-T4) goes back to the same carer (RNE P, rule 383).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from cpanalytics.synth.calendar import age_on, day
from cpanalytics.synth.lives import ADOPT, HOME, LONG, OTHER, REMAND, SGO, SHORT, UASC
from cpanalytics.synth.people import draw
from cpanalytics.synth.postcodes import Geography

#: Supported accommodation for 16-17 year olds is coded K3 from this day (2024/25 return).
K3_FROM = day("2024-04-01")

_FOSTER = {"U6": 0.7, "U4": 0.3}
_KIN = {"U3": 0.8, "U1": 0.2}
_CIN = {"N1": 0.62, "N2": 0.03, "N3": 0.03, "N4": 0.08, "N5": 0.14, "N6": 0.02, "N8": 0.08}
_REASON_CHANGE = {"CARPL": 0.45, "CREQB": 0.12, "CREQO": 0.08, "CHILD": 0.07, "LAREQ": 0.08,
                  "CLOSE": 0.05, "ALLEG": 0.03, "STAND": 0.03, "APPRR": 0.02, "OTHER": 0.07}
_NO_URN = ("P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1")
#: Moves within this many days of a legal status change are made on that day (RNE B) with
#: this probability.
B_WINDOW, B_SHARE = 60, 0.7
#: Foster placements (U6, U3) of children staying long term that become long-term with the
#: same carer (U4, U1), and the share of those made on the day of the full care order (U).
LONG_TERM_SHARE, LONG_TERM_AT_ORDER = 0.5, 0.4
_LONG_TERM = ("U6", "U3")
#: Foster carers who adopt the child are foster carers (U4-U6) before the A5 placement.
_FOSTER_ADOPTER = {"U5": 0.6, "U6": 0.3, "U4": 0.1}


def _key(poc: npt.ArrayLike, days: npt.ArrayLike) -> np.ndarray:
    return np.asarray(poc, dtype=np.int64) * 100_000 + np.asarray(days, dtype=np.int64)


def placement_starts(rng: np.random.Generator, periods: pd.DataFrame, horizon: int
                     ) -> pd.DataFrame:
    """Start day of every placement (same-carer run) in each period, before adoption."""
    start = periods["start"].to_numpy()
    path = periods["path"].to_numpy()
    stop = np.where(path == ADOPT, periods["placed"].to_numpy(), periods["end"].to_numpy())
    stop = np.minimum(stop, horizon + 1)
    age = age_on(periods["dob"].to_numpy(), start)
    unstable = rng.random(len(periods)) < np.where(age >= 11, 0.10, 0.04)
    unstable &= path != SHORT
    poc = np.arange(len(periods))
    rows = [(poc, start, np.zeros(len(poc), dtype=np.int64))]
    t = start.copy()
    live = (path != SHORT) & (t < stop)
    k = 1
    while live.any():
        idx = np.flatnonzero(live)
        mean = np.where(unstable[idx], 95.0, 260.0 if k == 1 else 3400.0)
        mean = np.where(path[idx] == UASC, 420.0, mean)
        t[idx] += np.maximum(1, rng.exponential(mean)).astype(np.int64)
        live[idx] = t[idx] < stop[idx]
        idx = np.flatnonzero(live)
        rows.append((idx, t[idx], np.full(len(idx), k)))
        k += 1
    out = pd.DataFrame({
        "poc": np.concatenate([r[0] for r in rows]),
        "day": np.concatenate([r[1] for r in rows]),
        "nth": np.concatenate([r[2] for r in rows]),
    })
    return out.sort_values(["poc", "day"], kind="stable").reset_index(drop=True)


def moves_on_legal_days(rng: np.random.Generator, seg: pd.DataFrame, legal: pd.DataFrame,
                        periods: pd.DataFrame) -> pd.DataFrame:
    """Make some moves on the day of a nearby legal status change, so both change (RNE B).

    Only moves after the first placement, and only to a legal change after the period start
    (e.g. to a planned placement when police protection gives way to an interim care order);
    not to a placement order (E1), the day some children are placed for adoption.
    """
    later = ((legal["day"].to_numpy() > periods["start"].to_numpy()[legal["poc"].to_numpy()])
             & (legal["LS"].to_numpy() != "E1"))
    lpoc, lday = legal["poc"].to_numpy()[later], legal["day"].to_numpy()[later]
    poc, d = seg["poc"].to_numpy(), seg["day"].to_numpy()
    if len(lday) == 0:
        return seg
    i = np.searchsorted(_key(lpoc, lday), _key(poc, d))
    nxt, prv = np.minimum(i, len(lday) - 1), np.maximum(i - 1, 0)
    gap_next = np.where((i < len(lday)) & (lpoc[nxt] == poc), lday[nxt] - d, np.inf)
    gap_prev = np.where((i > 0) & (lpoc[prv] == poc), d - lday[prv], np.inf)
    target = np.where(gap_next <= gap_prev, lday[nxt], lday[prv])
    gap = np.minimum(gap_next, gap_prev)
    snap = ((seg["nth"].to_numpy() > 0) & (gap > 0) & (gap <= B_WINDOW)
            & (rng.random(len(seg)) < B_SHARE))
    out = seg.assign(day=np.where(snap, target, d))
    out = out.sort_values(["poc", "day"], kind="stable").drop_duplicates(["poc", "day"])
    return out.reset_index(drop=True)


def long_term_switches(rng: np.random.Generator, seg: pd.DataFrame, periods: pd.DataFrame,
                       legal: pd.DataFrame) -> pd.DataFrame:
    """Same-carer rows where a U6/U3 foster placement of a child in long-term care becomes
    long-term (U4/U1): on the day of the full care order (RNE U) or later (RNE T)."""
    poc, d = seg["poc"].to_numpy(), seg["day"].to_numpy()
    place = seg["place"].to_numpy().astype(str)
    nxt = seg.groupby("poc")["day"].shift(-1).to_numpy(dtype=float)
    end = np.fmin(np.nan_to_num(nxt, nan=np.inf), periods["end"].to_numpy()[poc])
    c2 = legal[legal["LS"] == "C2"]
    c2poc = np.append(c2["poc"].to_numpy(), -1)  # sentinel: no later C2
    c2day = np.append(c2["day"].to_numpy(), 0)
    j = np.searchsorted(_key(c2poc[:-1], c2day[:-1]), _key(poc, d), "right")
    has_c2 = (c2poc[j] == poc) & (c2day[j] > d) & (c2day[j] < end)
    n = len(seg)
    pick = (np.isin(place, _LONG_TERM) & (path_of(periods, seg) == LONG)
            & (rng.random(n) < LONG_TERM_SHARE))
    at_order = has_c2 & (rng.random(n) < LONG_TERM_AT_ORDER)
    span = end - d
    later = d + 90 + (rng.random(n) * np.clip(span - 120, 0, None)).astype(np.int64)
    pick &= at_order | (span > 150)
    when = np.where(at_order, c2day[j], later)
    rows = seg[pick].assign(day=when[pick], nth=-2,
                            place=np.where(place[pick] == "U6", "U4", "U1").astype(object))
    out = pd.concat([seg, rows], ignore_index=True)
    return out.sort_values(["poc", "day"], kind="stable").reset_index(drop=True)


def _place_codes(rng: np.random.Generator, age: np.ndarray, path: np.ndarray,
                 days: np.ndarray) -> np.ndarray:
    n = len(age)
    place = draw(rng, _FOSTER, n)
    u = rng.random(n)
    kin = draw(rng, _KIN, n)
    young, mid, old = age < 12, (age >= 12) & (age < 16), age >= 16
    place = np.where(young & (u < 0.18), kin, place)
    place = np.where(young & (u >= 0.18) & (u < 0.21), "P1", place)
    place = np.where(mid & (u < 0.12), kin, place)
    place = np.where(mid & (u >= 0.12) & (u < 0.28), "K2", place)
    place = np.where(mid & (u >= 0.28) & (u < 0.31), draw(rng, {"R1": 0.5, "S1": 0.5}, n), place)
    place = np.where(mid & (u >= 0.31) & (u < 0.34), "P1", place)
    semi = np.where(days >= K3_FROM, "K3", "H5")
    place = np.where(old & (u < 0.08), kin, place)
    place = np.where(old & (u >= 0.08) & (u < 0.22), "K2", place)
    place = np.where(old & (u >= 0.22) & (u < 0.47), semi, place)
    place = np.where(old & (u >= 0.47) & (u < 0.50), "P1", place)
    adopt = path == ADOPT
    place = np.where(adopt & ~np.isin(place, ["U1", "U3"]),
                     draw(rng, {"U5": 0.2, "U6": 0.8}, n), place)
    uasc = path == UASC
    place = np.where(uasc & (age < 16), draw(rng, {"U6": 0.7, "U4": 0.3}, n), place)
    place = np.where(uasc & (age >= 16),
                     np.where(u < 0.6, semi, np.where(u < 0.9, "U6", "K2")), place)
    place = np.where(path == REMAND, draw(rng, {"K1": 0.5, "R5": 0.2, "K2": 0.3}, n), place)
    place = np.where(path == SHORT, draw(rng, {"K2": 0.6, "U6": 0.4}, n), place)
    place = np.where(path == SGO, np.where(u < 0.6, kin, draw(rng, _FOSTER, n)), place)
    return place.astype(object)


def _providers(rng: np.random.Generator, place: np.ndarray) -> np.ndarray:
    n = len(place)
    prov = np.full(n, "PR1", dtype=object)
    u = rng.random(n)
    foster = np.isin(place, ["U4", "U5", "U6"])
    prov[foster & (u < 0.13)] = "PR4"
    prov[foster & (u >= 0.13) & (u < 0.16)] = "PR5"
    home = np.isin(place, ["K2", "R1", "S1"])
    prov[home] = np.where(u[home] < 0.65, "PR4", np.where(u[home] < 0.75, "PR5", "PR1"))
    semi = np.isin(place, ["H5", "P2", "K3"])
    prov[semi] = np.where(u[semi] < 0.7, "PR4", "PR1")
    prov[place == "P1"] = "PR0"
    prov[place == "K1"] = "PR2"
    prov[place == "R5"] = "PR3"
    adopt = np.isin(place, ["A5", "A6"])
    prov[adopt] = np.where(u[adopt] < 0.75, "PR1", "PR5")
    return prov


def _locations(rng: np.random.Generator, geo: Geography, district: np.ndarray,
               place: np.ndarray, provider: np.ndarray, home_pc: np.ndarray,
               home_e: np.ndarray, home_n: np.ndarray) -> tuple[np.ndarray, ...]:
    """PL_POST and its coordinates: near home mostly, ~8% outside the county."""
    n = len(place)
    u = rng.random(n)
    far_share = np.where(np.isin(provider, ["PR4", "PR5", "PR2"]), 0.28, 0.045)
    far_share = np.where(np.isin(provider, ["PR0", "PR1"]) & ~np.char.startswith(
        place.astype(str), "U"), 0.0, far_share)
    where = np.where(u < far_share * 0.55, 2, np.where(u < far_share, 3, 0))
    where = np.where((where == 0) & (rng.random(n) < 0.3), 1, where)  # other Kent district
    where = np.where(np.isin(place, ["U1", "U3"]) & (where > 1), 0, where)
    other = (district + rng.integers(1, len(geo.home), n)) % len(geo.home)
    target = np.where(where == 0, district, other)
    pc = np.empty(n, dtype=object)
    east = np.empty(n)
    north = np.empty(n)
    for d, pool in enumerate(geo.home):
        sel = np.flatnonzero((where <= 1) & (target == d))
        take = pool.iloc[rng.integers(0, len(pool), len(sel))]
        pc[sel], east[sel], north[sel] = (take["pcd"].to_numpy(), take["east"].to_numpy(),
                                          take["north"].to_numpy())
    for code, pool in ((2, geo.near), (3, geo.far)):
        sel = np.flatnonzero(where == code)
        take = pool.iloc[rng.integers(0, len(pool), len(sel))]
        pc[sel], east[sel], north[sel] = (take["pcd"].to_numpy(), take["east"].to_numpy(),
                                          take["north"].to_numpy())
    clash = (pc == home_pc) & (place != "P1")
    for alt, rows in ((0, clash & (district != 0)), (1, clash & (district == 0))):
        sel = np.flatnonzero(rows)
        take = geo.home[alt].iloc[rng.integers(0, len(geo.home[alt]), len(sel))]
        pc[sel], east[sel], north[sel] = (take["pcd"].to_numpy(), take["east"].to_numpy(),
                                          take["north"].to_numpy())
    parents = place == "P1"
    pc[parents], east[parents], north[parents] = home_pc[parents], home_e[parents], home_n[parents]
    return pc, east, north


def placements(rng: np.random.Generator, periods: pd.DataFrame, geo: Geography,
               legal: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Every placement segment: day, carer id, PLACE, PLACE_PROVIDER, PL_POST, URN.

    Adoptive placements and temporary moves (with the return to the same carer) included.
    """
    seg = moves_on_legal_days(rng, placement_starts(rng, periods, horizon), legal, periods)
    poc = seg["poc"].to_numpy()
    path = periods["path"].to_numpy()[poc]
    age = age_on(periods["dob"].to_numpy()[poc], seg["day"].to_numpy())
    place = _place_codes(rng, age, path, seg["day"].to_numpy())
    leg_key = _key(legal["poc"], legal["day"])
    ls = legal["LS"].to_numpy()[np.searchsorted(leg_key, _key(poc, seg["day"]), "right") - 1]
    place = np.where((place == "P1") & (ls == "V2"), "U6", place)
    after_home = (place == "P1") & np.r_[False, (place[:-1] == "P1") & (poc[1:] == poc[:-1])]
    seg["place"] = np.where(after_home, "U6", place)
    seg["carer"] = np.arange(len(seg))
    seg["temp"] = False
    # adoptive placements: with the foster carer (same carer, A5) or new adopters (A6)
    ad = periods.index[(periods["path"] == ADOPT) & (periods["placed"] <= horizon)].to_numpy()
    last = seg.groupby("poc")["carer"].last()
    fc = periods["foster_adopt"].to_numpy()[ad]
    final = seg.index[seg["poc"].isin(ad[fc]).to_numpy()
                      & ~seg["poc"].duplicated(keep="last").to_numpy()]
    not_foster = final[~seg.loc[final, "place"].isin(list(_FOSTER_ADOPTER)).to_numpy()]
    seg.loc[not_foster, "place"] = draw(rng, _FOSTER_ADOPTER, len(not_foster))
    adoptive = pd.DataFrame({
        "poc": ad, "day": periods["placed"].to_numpy()[ad], "nth": -1,
        "place": np.where(fc, "A5", "A6"),
        "carer": np.where(fc, last.reindex(ad).to_numpy(), len(seg) + np.arange(len(ad))),
        "temp": False,
    })
    seg = pd.concat([seg, adoptive], ignore_index=True)
    seg = seg.sort_values(["poc", "day"], kind="stable").reset_index(drop=True)
    seg = long_term_switches(rng, seg, periods, legal)
    # temporary moves inside a placement, returning to the same carer
    nxt = seg.groupby("poc")["day"].shift(-1).to_numpy(dtype=float)
    end = np.fmin(np.nan_to_num(nxt, nan=np.inf),
                  periods["end"].to_numpy()[seg["poc"].to_numpy()])
    length = end - seg["day"].to_numpy()
    pick = (length > 40) & (rng.random(len(seg)) < 0.05) & ~np.isin(
        seg["place"].to_numpy(), ["A5", "A6", "P1"]) & (path_of(periods, seg) != SHORT)
    base = seg[pick]
    go = base["day"].to_numpy() + (rng.random(len(base)) * (length[pick] - 25)).astype(np.int64) + 5
    back = go + rng.integers(2, 8, len(base))
    bpoc = base["poc"].to_numpy()
    clear = (np.searchsorted(leg_key, _key(bpoc, back), "right")
             == np.searchsorted(leg_key, _key(bpoc, go), "left"))
    base, go, back = base[clear], go[clear], back[clear]
    temp = base.assign(day=go, place=draw(rng, {"T0": .2, "T1": .2, "T2": .2, "T3": .2, "T4": .2},
                                          len(base)),
                       carer=seg["carer"].max() + 1 + np.arange(len(base)), temp=True)
    ret = base.assign(day=back)
    seg = pd.concat([seg, temp, ret], ignore_index=True)
    seg = seg[seg["day"] <= horizon].sort_values(["poc", "day"], kind="stable")
    seg = seg.reset_index(drop=True)
    poc = seg["poc"].to_numpy()
    # attributes of the carer, drawn once per carer
    carers = seg.drop_duplicates("carer")[["carer", "poc", "place"]].reset_index(drop=True)
    cpoc = carers["poc"].to_numpy()
    provider = _providers(rng, carers["place"].to_numpy())
    pc, east, north = _locations(
        rng, geo, periods["district"].to_numpy()[cpoc], carers["place"].to_numpy(), provider,
        periods["HOME_POST"].to_numpy()[cpoc], periods["home_e"].to_numpy()[cpoc],
        periods["home_n"].to_numpy()[cpoc])
    urn = np.char.add("SC", rng.integers(100_000, 1_000_000, len(carers)).astype(str)).astype(object)
    urn[np.isin(carers["place"].to_numpy(), _NO_URN)] = "XXXXXXX"
    carers = carers.assign(provider=provider, PL_POST=pc, pl_e=east, pl_n=north, URN=urn)
    seg = seg.merge(carers.drop(columns=["poc", "place"]), on="carer", how="left")
    temp = seg["temp"].to_numpy()
    seg.loc[temp, "URN"] = "XXXXXXX"
    return seg.assign(poc=poc)


def path_of(periods: pd.DataFrame, seg: pd.DataFrame) -> np.ndarray:
    """Pathway of the period each segment belongs to."""
    return periods["path"].to_numpy()[seg["poc"].to_numpy()]


def legal_statuses(rng: np.random.Generator, periods: pd.DataFrame, horizon: int
                   ) -> pd.DataFrame:
    """Legal status changes (poc, day, LS) over each period."""
    n = len(periods)
    poc = np.arange(n)
    start = periods["start"].to_numpy()
    end = periods["end"].to_numpy()
    path = periods["path"].to_numpy()
    u = rng.random(n)
    first = np.full(n, "C1", dtype=object)
    first[np.isin(path, [HOME, OTHER]) & (u < 0.65)] = "V2"
    first[(path == LONG) & (u < 0.3)] = "V2"
    first[(path == ADOPT) & (u < 0.2)] = "V2"
    first[path == UASC] = "V2"
    first[path == REMAND] = "J1"
    first[path == SHORT] = np.where(periods["child"].to_numpy()[path == SHORT] % 10 == 0,
                                    "V3", "V4")
    rows = [pd.DataFrame({"poc": poc, "day": start, "LS": first})]
    # police protection or emergency orders for a few days at the start
    pp = np.isin(path, [ADOPT, SGO, LONG]) & (rng.random(n) < 0.04) & (first == "C1")
    police = draw(rng, {"L1": 0.6, "L2": 0.4}, int(pp.sum()))
    rows[0].loc[pp, "LS"] = police
    rows.append(pd.DataFrame({"poc": poc[pp], "LS": "C1", "day": start[pp] + np.where(
        police == "L1", rng.integers(1, 3, pp.sum()), rng.integers(2, 9, pp.sum()))}))
    # s20 then interim care order for some adoption pathways
    v2a = (path == ADOPT) & (first == "V2")
    e1 = periods["e1"].to_numpy()
    rows.append(pd.DataFrame({"poc": poc[v2a], "LS": "C1", "day": start[v2a] + (
        (e1[v2a] - start[v2a]) * rng.uniform(0.2, 0.5, v2a.sum())).astype(np.int64)}))
    # interim to full care order
    c1 = (first == "C1") | pp
    to_c2 = c1 & np.isin(path, [SGO, LONG, HOME, OTHER])
    rows.append(pd.DataFrame({"poc": poc[to_c2],
                              "day": start[to_c2] + rng.integers(120, 320, to_c2.sum()),
                              "LS": "C2"}))
    ad = path == ADOPT
    rows.append(pd.DataFrame({"poc": poc[ad], "day": e1[ad], "LS": "E1"}))
    out = pd.concat(rows, ignore_index=True)
    out = out[(out["day"] < end[out["poc"]]) & (out["day"] <= horizon)]
    return out.sort_values(["poc", "day"], kind="stable").drop_duplicates(
        ["poc", "day"], keep="last").reset_index(drop=True)


def episodes(rng: np.random.Generator, periods: pd.DataFrame, seg: pd.DataFrame,
             legal: pd.DataFrame) -> pd.DataFrame:
    """Merge placement and legal changes into episodes with RNE, DEC, REC and reasons."""
    seg = seg.drop_duplicates(["poc", "day"], keep="last").reset_index(drop=True)
    keys = np.union1d(_key(seg["poc"], seg["day"]), _key(legal["poc"], legal["day"]))
    poc = keys // 100_000
    dstart = keys % 100_000
    seg_key = _key(seg["poc"], seg["day"])
    leg_key = _key(legal["poc"], legal["day"])
    si = np.searchsorted(seg_key, keys, side="right") - 1
    li = np.searchsorted(leg_key, keys, side="right") - 1
    seg_change = seg_key[si] == keys
    leg_change = leg_key[li] == keys
    carer = seg["carer"].to_numpy()[si]
    same_poc_prev = np.r_[False, poc[1:] == poc[:-1]]
    prev_carer = np.r_[-1, carer[:-1]]
    new_carer = seg_change & (carer != prev_carer)
    same_carer = seg_change & ~new_carer
    first = ~same_poc_prev
    # DfE RNE: L legal status only; P / B new carer (B with a legal change); T / U same
    # carer, placement changed (U with a legal change); S first episode of the period
    rne = np.full(len(keys), "L", dtype=object)
    rne[new_carer] = np.where(leg_change[new_carer], "B", "P")
    rne[same_carer] = np.where(leg_change[same_carer], "U", "T")
    rne[first] = "S"
    last = np.r_[poc[1:] != poc[:-1], True]
    dec = np.where(last, periods["end"].to_numpy()[poc], np.r_[dstart[1:], 0])
    rec = np.where(last, periods["rec"].to_numpy()[poc], "X1").astype(object)
    place = seg["place"].to_numpy()[si]
    next_rne = np.append(rne[1:], "S").astype(object)
    next_place = np.append(place[1:], "").astype(object)
    is_t = np.char.startswith(place.astype(str), "T")
    next_t = np.char.startswith(next_place.astype(str), "T")
    needs_reason = (rec == "X1") & np.isin(next_rne, ["P", "B", "T", "U"]) & ~is_t & ~next_t
    reason = np.where(needs_reason, draw(rng, _REASON_CHANGE, len(keys)), "").astype(object)
    # the child stays with the same carer: the placement's status changed (DfE code PLACE)
    same_carer_next = np.isin(next_rne, ["T", "U"])
    reason[needs_reason & same_carer_next] = "PLACE"
    ls = legal["LS"].to_numpy()[li]
    short = np.isin(ls, ["V3", "V4"])
    cin = periods["cin"].to_numpy()[poc]
    provider = np.where(np.isin(place, ["T0", "T1", "T2", "T3", "T4", "Z1"]), "",
                        seg["provider"].to_numpy()[si])
    home = np.where(short | (periods["path"].to_numpy()[poc] == UASC), "",
                    periods["HOME_POST"].to_numpy()[poc])
    ep = pd.DataFrame({
        "poc": poc, "child": periods["child"].to_numpy()[poc], "DECOM": dstart, "RNE": rne,
        "LS": ls, "CIN": cin, "PLACE": place, "PLACE_PROVIDER": provider,
        "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": reason,
        "HOME_POST": home, "PL_POST": np.where(short, "", seg["PL_POST"].to_numpy()[si]),
        "URN": np.where(short, "", seg["URN"].to_numpy()[si]), "carer": carer,
        "home_e": periods["home_e"].to_numpy()[poc], "home_n": periods["home_n"].to_numpy()[poc],
        "pl_e": seg["pl_e"].to_numpy()[si], "pl_n": seg["pl_n"].to_numpy()[si],
    })
    return ep


def cin_codes(rng: np.random.Generator, path: np.ndarray) -> np.ndarray:
    """Category of need for each period (N8 absent parenting for UASC, N2 for short breaks)."""
    cin = draw(rng, _CIN, len(path))
    cin[path == UASC] = "N8"
    cin[path == SHORT] = "N2"
    cin[path == REMAND] = "N6"
    return cin
