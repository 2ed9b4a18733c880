"""The ad hoc cookbook runs, and each recipe's answer matches an independent computation.

The recipes hold no checking of their own: the tests run the notebook's cells (as
papermill would, with the parameters injected) and read each recipe's result from its
variables. The independent side works straight from the loaded SSDA903 tables and local extracts
with plain pandas, following the written definitions (indicators.md), never through the
indicator engine or the cohort API that the cookbook uses. The one shared piece is reference
data: the ONS postcode lookup (``distance.centroids``) that places a postcode in an LA.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
import yaml

import cpanalytics
from cpanalytics.cli.commands.compare import shown_table
from cpanalytics.cli.main import main
from cpanalytics.measures.cohorts import restrict

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "src" / "cpanalytics" / "resources" / "notebooks" / "cookbook.ipynb"
AS_AT = pd.Timestamp("2025-03-31")
FY_START = pd.Timestamp("2024-04-01")
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}


# --- data and the executed cookbook -------------------------------------------------------

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small deterministic synthetic county (2016-2025)."""
    out = tmp_path_factory.mktemp("cookbook-data")
    assert main(["synth", "--out", str(out), "--years", "2016-2025", "--seed", "7",
                 "--scale", "0.3"]) == 0
    return out


def execute(parameters: dict, workdir: Path) -> dict:
    """Run the cookbook's code cells in one namespace, the parameters cell followed by
    ``parameters`` (as papermill injects them); returns the namespace, what each code cell
    printed, and the output folder."""
    import nbformat

    from cpanalytics.publish import publication_audit

    namespace: dict = {}
    printed = []
    with contextlib.chdir(NOTEBOOK.parent):
        try:
            for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                source = cell.source
                if "parameters" in cell.metadata.get("tags", []):
                    source += "".join(f"\n{name} = {value!r}" for name, value in parameters.items())
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    exec(compile(source, str(NOTEBOOK), "exec"), namespace)
                printed.append(out.getvalue())
        finally:
            publication_audit.record_to(None)
    return {"ns": namespace, "printed": printed, "out": workdir}


@pytest.fixture(scope="module")
def run(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The cookbook run on the synthetic county, unsuppressed (the tests compare numbers)."""
    out = tmp_path_factory.mktemp("cookbook-out")
    return execute({"data_dir": str(data_dir), "year": 2025, "suppress": False,
                    "output_dir": str(out)}, out)


@pytest.fixture(scope="module")
def raw(data_dir: Path):
    return cpanalytics.load_data(data_dir)


@pytest.fixture(scope="module")
def iha(raw) -> pd.DataFrame:
    return _iha(raw)


# --- independent derivations from the raw tables (indicators.md) ---------------------------

def _episodes(raw) -> pd.DataFrame:
    """Episodes without short breaks (LS V3/V4), sorted, with a period number."""
    ep = raw.episodes.copy()
    for col in ("CHILD", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "REC", "URN", "PL_POST",
                "REASON_PLACE_CHANGE"):
        ep[col] = ep[col].astype("str").str.strip()
    ep = ep[~ep["LS"].isin(["V3", "V4"])].sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    first = ep["CHILD"].ne(ep["CHILD"].shift())
    gap = ep["DEC"].shift() < ep["DECOM"]
    ep["period"] = (first | ep["RNE"].eq("S") | gap.fillna(False)).cumsum()
    return ep


def _periods(ep: pd.DataFrame) -> pd.DataFrame:
    last = ep.drop_duplicates("period", keep="last").set_index("period")  # blank DEC = open
    return pd.DataFrame({"CHILD": last["CHILD"], "start": ep.groupby("period")["DECOM"].min(),
                         "end": last["DEC"], "rec": last["REC"]}).reset_index()


def _placements(ep: pd.DataFrame) -> pd.DataFrame:
    """Same-carer runs: new at S/P/B (a new carer: DfE rules 435, 436; T and U keep the
    carer) or the first settled episode of a period; temporary episodes neither count nor
    break a run when the child returns to the same carer."""
    ep = ep.assign(temp=ep["PLACE"].isin(TEMPORARY), carer=ep["URN"] + "|" + ep["PL_POST"])
    after_temp = ep["temp"].shift(fill_value=False) & ep["period"].eq(ep["period"].shift())
    settled = ep[~ep["temp"]].copy()
    settled["after_temp"] = after_temp[~ep["temp"]]
    prev_carer = settled.groupby("period")["carer"].shift()
    new = prev_carer.isna() | (settled["RNE"].isin(["S", "P", "B"])
                               & ~(settled["after_temp"] & settled["carer"].eq(prev_carer)))
    settled["run"] = new.cumsum()
    last = settled.drop_duplicates("run", keep="last").set_index("run")  # blank DEC = open
    return pd.DataFrame({"CHILD": last["CHILD"], "start": settled.groupby("run")["DECOM"].min(),
                         "end": last["DEC"]})


def _in_care(ep: pd.DataFrame, on: pd.Timestamp) -> pd.Series:
    """Children in care on a date: an episode open on it (started, not yet ceased)."""
    open_ = (ep["DECOM"] <= on) & (ep["DEC"].isna() | (ep["DEC"] > on))
    return pd.Series(ep.loc[open_, "CHILD"].unique())


def _placement_counts(ep: pd.DataFrame, on: pd.Timestamp, window_start: pd.Timestamp) -> pd.Series:
    """Placements overlapping [window_start, on] for each child in care on ``on``."""
    pl = _placements(ep)
    during = pl[(pl["start"] <= on) & (pl["end"].isna() | (pl["end"] >= window_start))]
    kids = _in_care(ep, on)
    return during.groupby("CHILD").size().reindex(kids, fill_value=0)


def _year_start(on: pd.Timestamp) -> pd.Timestamp:
    return on - pd.DateOffset(years=1) + pd.Timedelta(days=1)


def _working_days_after(dates: pd.Series, n: int) -> pd.Series:
    """The Nth working day after each date (Mon-Fri, England bank holidays)."""
    bank = np.array(sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2030))),
                    dtype="datetime64[D]")
    days = dates.to_numpy().astype("datetime64[D]")
    due = np.busday_offset(days, n, roll="backward", holidays=bank)
    return pd.Series(due.astype("datetime64[us]"), index=dates.index)


def _iha(raw) -> pd.DataFrame:
    """Each period of care with its first IHA record before the child's next period."""
    per = _periods(_episodes(raw)).sort_values(["CHILD", "start"])
    per["next"] = per.groupby("CHILD")["start"].shift(-1)
    ha = raw.health_assessments.assign(CHILD=lambda f: f["CHILD"].astype("str").str.strip())
    ha = ha[ha["TYPE"].astype("str").str.strip().str.upper() == "IHA"]
    ha = ha.assign(anchor=ha["DATE_REQUESTED"].fillna(ha["DATE_COMPLETED"])).dropna(subset=["anchor"])
    both = per.merge(ha[["CHILD", "anchor", "DATE_REQUESTED", "DATE_COMPLETED"]], on="CHILD",
                     how="left")
    mine = (both["anchor"] >= both["start"]) & (both["next"].isna() | (both["anchor"] < both["next"]))
    first = both[mine].sort_values("anchor").drop_duplicates("period")
    per = per.merge(first[["period", "DATE_REQUESTED", "DATE_COMPLETED"]], on="period", how="left")
    per["iha_due"] = _working_days_after(per["start"], 20)
    per["request_due"] = _working_days_after(per["start"], 5)
    per["iha_ok"] = (per["DATE_COMPLETED"] <= per["iha_due"]).fillna(False).astype(bool)
    per["request_ok"] = (per["DATE_REQUESTED"] <= per["request_due"]).fillna(False).astype(bool)
    uasc = raw.uasc.assign(CHILD=lambda f: f["CHILD"].astype("str").str.strip())
    duc = uasc.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DUC"]
    in_table = per["CHILD"].isin(duc.index)
    child_duc = per["CHILD"].map(duc)
    per["uasc"] = np.where(in_table & (child_duc.isna() | (per["start"] < child_duc)), "UASC",
                           "Citizen")
    dob = raw.header.assign(CHILD=lambda f: f["CHILD"].astype("str").str.strip()).drop_duplicates(
        "CHILD", keep="last").set_index("CHILD")["DOB"]
    per["age"] = _age(per["CHILD"].map(dob), per["start"])
    return per


def _age(dob: pd.Series, on: pd.Series) -> pd.Series:
    """Completed years on a date."""
    before_birthday = (on.dt.month < dob.dt.month) | (
        (on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day))
    return on.dt.year - dob.dt.year - before_birthday.astype(int)


def _due_in(per: pd.DataFrame, column: str, on: pd.Timestamp) -> pd.DataFrame:
    return per[(per[column] >= _year_start(on)) & (per[column] <= on)]


def _by_key(frame: pd.DataFrame, *keys: str) -> dict:
    """``(key values...) -> (numerator, denominator)``, dates as ISO text."""
    return {tuple(f"{r[k]:%Y-%m-%d}" if isinstance(r[k], pd.Timestamp) else str(r[k]) for k in keys):
            (int(r["numerator"]), int(r["denominator"])) for _, r in frame.iterrows()}


# --- the notebook itself ----------------------------------------------------------------

RECIPES = 14
SCAFFOLDING = ("answers", "cookbook.json", "json.dumps", "rows(")


@pytest.mark.e2e
def test_cookbook_runs_and_answers_every_recipe(run: dict) -> None:
    """Fourteen recipes, each printing a one-line conclusion; no child-level columns shown."""
    recipes = run["printed"][2:]
    assert len(recipes) == RECIPES
    for text in recipes:
        said = [line for line in text.splitlines() if not line.startswith("<IPython")]
        assert said and said[-1].endswith(".") and not said[-1].startswith("Not available"), text
    assert len(list((run["out"] / "tables").glob("cookbook-*.csv"))) == RECIPES - 1  # 12 is a chart
    for table in (run["out"] / "tables").glob("cookbook-*.csv"):
        header = table.read_text().splitlines()[0].split(",")
        assert not {"CHILD", "UPN", "DOB", "HOME_POST", "PL_POST"} & set(header), table.name


@pytest.mark.e2e
def test_cookbook_runs_on_the_903_tables_alone(data_dir: Path, tmp_path: Path) -> None:
    """Without local extracts the IHA and escalation recipes say what is missing; the
    other ten still answer."""
    import shutil

    only_903 = tmp_path / "data"
    shutil.copytree(data_dir / "903", only_903 / "903")
    done = execute({"data_dir": str(only_903), "output_dir": str(tmp_path)}, tmp_path)
    recipes = done["printed"][2:]
    skipped = [t for t in recipes if t.startswith("Not available: this recipe needs local/")]
    assert len(skipped) == 4
    assert "Not available: this recipe needs local/health_assessments.csv." in recipes[0]
    assert not {"iha_uasc", "iha_04", "iha_east", "by_category"} & set(done["ns"])
    assert sum(t.rstrip().endswith(".") and t not in skipped for t in recipes) == RECIPES - 4


def test_committed_notebook_has_no_outputs_a_kernel_and_no_test_scaffolding() -> None:
    nb = json.loads(NOTEBOOK.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert "data_dir = None" in "".join(params[0]["source"])  # $CPANALYTICS_DATA, as the others
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not [word for word in SCAFFOLDING if word in code]


# --- each recipe against its independent computation ------------------------------------

@pytest.mark.e2e
def test_iha_uasc_and_under_fives_by_quarter(run: dict, iha: pd.DataFrame) -> None:
    """HE-02: IHA due (20 working days after entry) in the 12 months to each quarter end;
    in time when completed by the due date; split by UASC at entry and by age 0-4."""
    per = iha
    uasc = _by_key(run["ns"]["iha_uasc"], "date", "uasc")
    ages = _by_key(run["ns"]["iha_04"], "date", "age_group")
    assert len(uasc) == 16  # 8 quarter ends x 2 groups
    for (day, group), got in uasc.items():
        due = _due_in(per, "iha_due", pd.Timestamp(day))
        part = due[due["uasc"] == group]
        assert got == (int(part["iha_ok"].sum()), len(part)), (day, group)
    for (day, group), got in ages.items():
        due = _due_in(per, "iha_due", pd.Timestamp(day))
        part = due[(due["age"] < 5) == (group == "0 to 4")]
        assert got == (int(part["iha_ok"].sum()), len(part)), (day, group)


@pytest.mark.e2e
def test_iha_east_kent_by_uasc(run: dict, raw, iha: pd.DataFrame) -> None:
    """HE-02 for children whose district is in East Kent (areas.yaml), by UASC, each 31 March."""
    areas = yaml.safe_load((ROOT / "src/cpanalytics/resources/config/areas.yaml").read_text())["areas"]
    attrs = raw.child_attributes
    east = set(attrs.loc[attrs["DISTRICT"].isin(areas["East Kent"]), "CHILD"].astype("str"))
    per = iha[iha["CHILD"].isin(east)]
    got = _by_key(run["ns"]["iha_east"], "date", "uasc")
    assert {d for d, _ in got} == {"2023-03-31", "2024-03-31", "2025-03-31"}
    for (day, group), value in got.items():
        due = _due_in(per, "iha_due", pd.Timestamp(day))
        part = due[due["uasc"] == group]
        assert value == (int(part["iha_ok"].sum()), len(part)), (day, group)


@pytest.mark.e2e
def test_stability_by_district(run: dict, raw) -> None:
    """PS-01: children in care on each 31 March with 3+ placements overlapping the year."""
    ep = _episodes(raw)
    district = raw.child_attributes.set_index(raw.child_attributes["CHILD"].astype("str"))["DISTRICT"]
    got = _by_key(run["ns"]["stability"], "date", "district")
    for day in ("2023-03-31", "2024-03-31", "2025-03-31"):
        on = pd.Timestamp(day)
        counts = _placement_counts(ep, on, _year_start(on))
        frame = pd.DataFrame({"three": counts >= 3, "district": counts.index.map(district)})
        expected = frame.groupby("district")["three"].agg(["sum", "size"])
        for name, row in expected.iterrows():
            assert got[(day, name)] == (int(row["sum"]), int(row["size"])), (day, name)


@pytest.mark.e2e
def test_three_plus_placements_by_age(run: dict, raw) -> None:
    """PS-03: in care on 31 March 2025 with 3+ placements since 1 April 2024, by age then."""
    ep = _episodes(raw)
    counts = _placement_counts(ep, AS_AT, FY_START)
    three = counts[counts >= 3]
    dob = raw.header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    ages = _age(pd.Series(three.index.map(dob)), pd.Series(AS_AT, index=range(len(three))))
    expected = {str(a): int(n) for a, n in ages.value_counts().items()}
    by_age = run["ns"]["by_age"]
    assert dict(zip(by_age["age"].astype("str"), by_age["count"], strict=True)) == expected


@pytest.mark.e2e
def test_placement_end_reasons(run: dict, raw) -> None:
    """Reasons recorded on settled episodes ending in 2024-25. PLACE ("change in the status
    of placement only") is left out: the child stays with the same carer, so no placement
    ended."""
    ep = _episodes(raw)
    settled = ep[~ep["PLACE"].isin(TEMPORARY) & ep["DEC"].between(FY_START, AS_AT)]
    reason = settled["REASON_PLACE_CHANGE"]
    expected = reason[~reason.isin(["nan", "", "<NA>", "PLACE"])].value_counts()
    assert run["ns"]["reasons"].set_index("code")["placements"].to_dict() == {
        k: int(v) for k, v in expected.items()}


@pytest.mark.e2e
def test_escalations_by_category(run: dict, raw) -> None:
    esc = raw.iro_escalations
    raised = esc[esc["DATE_RAISED"].between(FY_START, AS_AT)]
    expected = raised["CATEGORY"].astype("str").value_counts()
    assert run["ns"]["by_category"].set_index("category")["Total"].to_dict() == {
        k: int(v) for k, v in expected.items()}


@pytest.mark.e2e
def test_reentry_within_24_months(run: dict, raw) -> None:
    """CIC-04: periods starting in each year to 31 March; previous period ended within 24 months."""
    per = _periods(_episodes(raw)).sort_values(["CHILD", "start"])
    per["previous_end"] = per.groupby("CHILD")["end"].shift()
    per["again"] = per["previous_end"] >= per["start"] - pd.DateOffset(months=24)
    for _, row in run["ns"]["reentry"].iterrows():
        on = row["date"]
        starts = per[per["start"].between(_year_start(on), on)]
        assert (row["numerator"], row["denominator"]) == (int(starts["again"].sum()), len(starts))


@pytest.mark.e2e
def test_adoption_against_thresholds(run: dict, raw) -> None:
    """A1: entry to moving in with the adopters (the last move into A3-A6); A2: first E1/D1
    episode to AD1 match (0 if matched first); children adopted (REC E11/E12) in each year
    to 31 March. A date on the first loaded episode of a period that began before the data
    (first RNE not S, or starting 1 April 2015, the first day loaded) is unknown: left out."""
    ep = _episodes(raw)
    per = _periods(ep)
    adopted = per[per["rec"].isin(["E11", "E12"])]
    first = ep.drop_duplicates("period").set_index("period")
    unseen = first["RNE"].ne("S") | first["DECOM"].eq(pd.Timestamp(2015, 4, 1))
    settled = ep[~ep["PLACE"].isin(TEMPORARY)]
    adoptive = settled["PLACE"].isin(["A3", "A4", "A5", "A6"])
    moved_in = adoptive & ~adoptive.groupby(settled["period"]).shift(fill_value=False)
    placed = settled[moved_in].groupby("period")["DECOM"].max()
    order = ep[ep["LS"].isin(["E1", "D1"])].groupby("period")["DECOM"].min()
    order = order[~(order.index.map(unseen) & order.eq(first["DECOM"].reindex(order.index)))]
    match = raw.ad1.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DATE_MATCH"]
    a1 = (adopted["period"].map(placed) - adopted["start"]).dt.days
    a1 = a1.where(~adopted["period"].map(unseen).to_numpy(dtype=bool))
    a2 = (adopted["CHILD"].map(match) - adopted["period"].map(order)).dt.days.clip(lower=0)
    got = {(r["indicator"], f"{r['date']:%Y-%m-%d}"): r for _, r in run["ns"]["adoption"].iterrows()}
    for day in ("2021-03-31", "2022-03-31", "2023-03-31", "2024-03-31", "2025-03-31"):
        on = pd.Timestamp(day)
        window = adopted["end"].between(_year_start(on), on)
        assert got[("AD-01", day)]["denominator"] == int(a1[window].notna().sum())
        assert got[("AD-01", day)]["numerator"] == pytest.approx(a1[window].sum())
        assert got[("AD-01", day)]["threshold"] == 426
        assert got[("AD-02", day)]["numerator"] == pytest.approx(a2[window].sum())
        assert got[("AD-02", day)]["threshold"] == 121


@pytest.mark.e2e
def test_uasc_leavers_outside_the_county(run: dict, raw) -> None:
    """Former UASC leaving care at 18+ in three years, each once on their last leaving (as
    CIC-03 and DfE statistics count leavers; REC X1 is no leaving); outside when the last
    placement's postcode is in another upper-tier LA (E10000016 is the synthetic county's code)."""
    from cpanalytics.measures.distance import centroids

    ep = _episodes(raw)
    per = _periods(ep)
    start = AS_AT - pd.DateOffset(years=3) + pd.Timedelta(days=1)
    dob = raw.header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    left = per[per["end"].between(start, AS_AT) & per["rec"].ne("X1")]
    left = left.sort_values("end").drop_duplicates("CHILD", keep="last")
    left = left[left["CHILD"].isin(raw.uasc["CHILD"])]
    left = left[_age(left["CHILD"].map(dob), left["end"]) >= 18]
    last = ep.drop_duplicates("period", keep="last").set_index("period")
    post = left["period"].map(last["PL_POST"])
    la = centroids(post.where(~post.isin(["nan", ""])))["la"]
    other_la = left["period"].map(last["PLACE_PROVIDER"]).eq("PR2")
    outside = np.where(la.notna(), la.ne("E10000016"), other_la)
    located = la.notna() | other_la
    assert len(run["ns"]["former_uasc"]) == len(left)
    got = run["ns"]["outside"]
    assert (int(got.sum()), got.size) == (int(outside[located].sum()), int(located.sum()))


@pytest.mark.e2e
def test_rag_change_breakdown_adds_up(run: dict, raw, iha: pd.DataFrame) -> None:
    """The groups behind the RAG change add up to the KPI worked out independently, and the
    RAG follows the configured target and floor."""
    ns = run["ns"]
    answer = {"indicator": ns["change"]["indicator"], "before": ns["before"], "after": ns["month"],
              "rag_before": ns["previous"]["rag"], "rag_after": ns["change"]["rag"]}
    rules = {"PS-01": ("L", 10, 12), "HE-01": ("H", 90, 80), "HE-02": ("H", 85, 75)}
    polarity, target, floor = rules[answer["indicator"]]
    groups = ns["movement"]
    for when, suffix, rag in (("before", "_before", "rag_before"), ("after", "_after", "rag_after")):
        on = pd.Timestamp(answer[when])
        if answer["indicator"] == "PS-01":
            counts = _placement_counts(_episodes(raw), on, _year_start(on))
            num, den = int((counts >= 3).sum()), len(counts)
        else:
            column, ok = (("iha_due", "iha_ok") if answer["indicator"] == "HE-02"
                          else ("request_due", "request_ok"))
            due = _due_in(iha, column, on)
            num, den = int(due[ok].sum()), len(due)
        assert (groups[f"numerator{suffix}"].sum(), groups[f"denominator{suffix}"].sum()) == (num, den)
        value = round(100 * num / den, 1)
        good = value <= target if polarity == "L" else value >= target
        fair = value <= floor if polarity == "L" else value >= floor
        assert answer[rag] == ("G" if good else "A" if fair else "R")
    assert answer["rag_before"] != answer["rag_after"]


@pytest.mark.e2e
def test_ps01_against_england(run: dict, raw) -> None:
    """England from comparators.csv as supplied; the authority's PS-01 on each 31 March."""
    comp = raw.comparators
    ep = _episodes(raw)
    compared = run["ns"]["ps01_compared"]
    areas = compared["area"].tolist()
    assert areas.count("Synthetic County Council") == areas.count("England") == 5
    for _, row in compared.iterrows():
        if row["area"] == "England":
            given = comp[(comp["INDICATOR"] == "PS-01") & (comp["AREA"] == "England")
                         & (comp["YEAR"] == row["year"])]["VALUE"]
            assert row["value"] == pytest.approx(float(given.iloc[0]))
        elif row["area"] == "Synthetic County Council":
            on = pd.Timestamp(year=row["year"], month=3, day=31)
            counts = _placement_counts(ep, on, _year_start(on))
            assert (row["numerator"], row["denominator"]) == (int((counts >= 3).sum()), len(counts))


@pytest.mark.e2e
def test_leavers_by_reason(run: dict, raw) -> None:
    """Children leaving care in 2024-25, once each on the last occasion (DfE statistics,
    as CIC-03), by the last REC in the DfE groups (SSDA903 guidance): adopted = E11/E12,
    SGO = E43-E48, returned home to parents = E4A/E4B only (E13 and E17 are other groups)."""
    per = _periods(_episodes(raw))
    ended = per[per["end"].between(FY_START, AS_AT) & per["rec"].ne("X1")]
    ended = ended.sort_values("end").drop_duplicates("CHILD", keep="last")
    got = run["ns"]["ceased"].set_index("reason")["children"].to_dict()
    assert sum(got.values()) == len(ended)
    assert got["Adopted"] == int(ended["rec"].isin(["E11", "E12"]).sum())
    assert got.get("Special guardianship order", 0) == int(
        ended["rec"].isin(["E43", "E44", "E45", "E46", "E47", "E48"]).sum())
    assert got.get("Returned home to parents", 0) == int(ended["rec"].isin(["E4A", "E4B"]).sum())
    assert got.get("Left to live with parents or relatives", 0) == int(ended["rec"].eq("E13").sum())
    assert "Returned home to live with parents" not in got


@pytest.mark.e2e
def test_children_placed_over_20_miles_by_district(run: dict, raw) -> None:
    """CIC-07's children on 31 March 2025 (in care, not UASC that day: in uasc.csv and
    before DUC; home and placement postcodes both located), by district: over 20 miles on
    the DfE formula, sqrt(dE^2 + dN^2) / 1000 / 1.6093 to 1 d.p., on ONS centroids."""
    from cpanalytics.measures.distance import centroids

    ep = _episodes(raw)
    on = AS_AT
    open_ = ep[(ep["DECOM"] <= on) & (ep["DEC"].isna() | (ep["DEC"] > on))]
    duc = raw.uasc.assign(CHILD=raw.uasc["CHILD"].astype("str").str.strip()).drop_duplicates(
        "CHILD", keep="last").set_index("CHILD")["DUC"]
    uasc = open_["CHILD"].isin(duc.index) & ~(open_["CHILD"].map(duc) <= on)
    citizens = open_[~uasc.to_numpy(dtype=bool)]
    home = centroids(citizens["HOME_POST"].where(~citizens["HOME_POST"].isin(["nan", ""])))
    placed = centroids(citizens["PL_POST"].where(~citizens["PL_POST"].isin(["nan", ""])))
    miles = (((home["east"] - placed["east"]) ** 2 + (home["north"] - placed["north"]) ** 2) ** 0.5
             / 1000 / 1.6093).round(1)
    known = citizens[miles.notna()].assign(far=miles[miles.notna()] > 20)
    district = raw.child_attributes.set_index(raw.child_attributes["CHILD"].astype("str"))["DISTRICT"]
    expected = known.groupby(known["CHILD"].map(district))["far"].agg(["sum", "size"])
    got = run["ns"]["far"].set_index("district")
    assert got["over 20 miles"].to_dict() == expected["sum"].astype(int).to_dict()
    assert got["children"].to_dict() == expected["size"].to_dict()


# --- the compare command and the restrict helper ----------------------------------------

@pytest.mark.e2e
def test_compare_command_prints_england(data_dir: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    """England's value comes from comparators.csv; five years of the authority; a chart."""
    code = main(["compare", "PS-01", "--data", str(data_dir), "--as-at", "2025-03-31",
                 "--areas", "England", "--format", "csv", "--la-name", "Synthetic CC",
                 "--plot", str(tmp_path / "ps01.png")])
    out = capsys.readouterr().out
    assert code == 0
    england = pd.read_csv(data_dir / "local" / "comparators.csv")
    value = england[(england["INDICATOR"] == "PS-01") & (england["AREA"] == "England")
                    & (england["YEAR"] == 2025)]["VALUE"].iloc[0]
    assert f"PS-01,2024/25,England,{value:.1f}%" in out
    assert out.count("Synthetic CC") == 5
    assert (tmp_path / "ps01.png").stat().st_size > 0


@pytest.mark.e2e
def test_compare_command_suppresses_by_default(data_dir: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    """With a threshold above every count (about 50 of 480 children), each of the five
    authority rows is [c] in value, numerator and denominator; England stays visible."""
    assert main(["compare", "PS-01", "--data", str(data_dir), "--as-at", "2025-03-31",
                 "--areas", "England", "--threshold", "1000"]) == 0
    out = capsys.readouterr().out
    assert out.count("[c]") == 15
    assert "England 10.0%" in " ".join(out.split())
    assert "too small to show" in out


def test_compare_command_unknown_indicator(capsys: pytest.CaptureFixture) -> None:
    assert main(["compare", "XX-99", "--data", "nowhere", "--as-at", "2025-03-31"]) == 2
    assert "E330" in capsys.readouterr().err


@pytest.mark.e2e
def test_compare_command_unknown_area(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["compare", "PS-01", "--data", str(data_dir), "--as-at", "2025-03-31",
                 "--areas", "Narnia"]) == 2
    assert "E331" in capsys.readouterr().err


def test_compare_suppresses_small_numbers_by_default() -> None:
    """3 of 40 children: the numerator is 1-4 so the authority's row shows [c]; England
    (a published comparator) and a 12/60 year (20.0%) stay visible."""
    table = pd.DataFrame({
        "indicator": "PS-01", "year": [2024, 2024, 2025], "period": ["2023/24", "2023/24", "2024/25"],
        "area": ["This authority", "England", "This authority"], "value": [7.5, 10.0, 20.0],
        "numerator": [3, np.nan, 12], "denominator": [40, np.nan, 60],
        "suppressed": [True, False, False], "source": "x",
    })
    table.attrs["unit"] = "%"
    shown = shown_table(table)
    assert shown["value"].tolist() == ["[c]", "10.0%", "20.0%"]
    assert shown["numerator"].tolist() == ["[c]", "", "12"]
    assert shown_table(table, suppress=False)["value"].tolist() == ["7.5%", "10.0%", "20.0%"]


def test_render_keeps_tables_as_markdown(tmp_path: Path) -> None:
    """A display output with text/markdown becomes a Markdown table in docs (not the
    ``<IPython.core.display.Markdown object>`` text/plain fallback)."""
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("render_cookbook",
                                                  ROOT / "tools" / "render_cookbook.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": "| area | children |\n|---|---:|\n| East Kent | [c] |"})]
    path = tmp_path / "executed.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    text = render.to_markdown(path, tmp_path / "docs" / "cookbook.md")
    assert "| East Kent | [c] |" in text
    assert "IPython" not in text


@pytest.mark.slow
def test_restrict_keeps_only_the_given_children(raw) -> None:
    """Two children: their rows only, in every child-level table; population kept whole."""
    kids = raw.header["CHILD"].iloc[:2].tolist()
    small = restrict(raw, pd.Series(kids))
    assert set(small.episodes["CHILD"]) <= set(kids)
    assert len(small.header) == int(raw.header["CHILD"].isin(kids).sum())
    assert len(small.population) == len(raw.population)
    assert small.cache == {}
