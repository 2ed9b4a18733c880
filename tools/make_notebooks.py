"""Generate ``notebooks/*.ipynb`` from the readable cell sources below.

Every notebook has the same parameters and set-up cells, then one cell per labelled
output of ``docs/report-labels.md``. Run ``python tools/make_notebooks.py`` after editing;
``--check`` exits 1 when a stored notebook differs from what this file generates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "src" / "cpanalytics" / "resources" / "notebooks"

PARAMETERS = '''\
data_dir = None  # the folder holding 903/ (default: $CPANALYTICS_DATA)
year = 2025
as_at = None
la_name = "Synthetic County Council"
suppress = True
output_dir = None'''

SETUP = '''\
{imports}

NAME = "{name}"
date = nb.as_at_date(year, as_at)
fy = nb.fy_label(date)
out = nb.output_path(output_dir)
data = nb.load(data_dir)
refs = nb.references(data, date)'''


def output(label: str, body: str, *, cap: str | None = None, alt: str | None = None) -> str:
    """A presentable cell: Quarto options (label, caption, alt text, echo false) then code."""
    options = [f"#| label: {label}"]
    if label.startswith("fig-"):
        options += [f"#| fig-cap: {json.dumps(cap)}", f"#| fig-alt: {json.dumps(alt)}"]
    elif label.startswith("tbl-"):
        options.append(f"#| tbl-cap: {json.dumps(cap)}")
    options.append("#| echo: false")
    return "\n".join(options) + "\n" + body.strip()


def about(prefix: str, ids: list[str], extra: str = "") -> str:
    """The ``txt-<prefix>-about`` cell: period, definitions, source line."""
    sources = f", extra_sources={extra}" if extra else ""
    return output(f"txt-{prefix}-about", f"nb.about({ids!r}, date{sources})")


CHILDREN_IN_CARE = [
    '''\
kpis = nb.compute_all(["CIC-01", "CIC-02", "CIC-03S", "CIC-04", "CIC-06", "CIC-07", "CIC-08",
                       "CIC-08D", "CIC-09"], data, date)
by_uasc = compute("CIC-01", data, date, by="uasc")
profile = compute("CIC-05", data, date)
starts = {by: compute("CIC-03S", data, date, by=by)
          for by in ["sex", "ethnicity_group", "age_band", "legal_status"]}
location = ["CIC-06", "CIC-07", "CIC-08", "CIC-08D", "CIC-09"]
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)''',
    output("txt-cic-headline", '''\
nb.show_text([
    headlines.split_sentence(
        kpis["CIC-01"], by_uasc, "uasc", when=f"on {nb.long_date(date)}", suppress=suppress,
        labels={"Citizen": "citizen children", "UASC": "unaccompanied asylum-seeking children"}),
    headlines.kpi_sentence(kpis["CIC-02"], england=refs.england.get("CIC-02"),
                           suppress=suppress),
    headlines.kpi_sentence(kpis["CIC-03S"], when=f"in {fy}", suppress=suppress),
])'''),
    output("fig-cic-trend", '''\
trend = series("CIC-01", data, nb.months_back(date, 59), date, by="uasc")
nb.show_figure(charts.indicator_trend(trend, la_name=la_name, group="uasc", stacked=True,
                                      suppress=suppress))''',
           cap="Children in care at each month end over five years, citizen children and UASC",
           alt="Stacked area chart of the number of children in care at each month end over "
               "the last five years, split into citizen children and unaccompanied "
               "asylum-seeking children."),
    output("tbl-cic-profile", '''\
nb.publish_table("tbl-cic-profile", tables.profile(
    {c: profile for c in ["age_band", "sex", "ethnicity_group", "legal_status", "placement_type"]},
    suppress=suppress), out)''',
           cap="Children in care by age band, sex, ethnic group, legal status and placement type"),
    output("txt-cic-location", '''\
nb.show_text([headlines.kpi_sentence(kpis[i], target=refs.target.get(i),
                                     england=refs.england.get(i), suppress=suppress)
              for i in location])'''),
    output("tbl-cic-location", '''\
nb.publish_measures("tbl-cic-location", [kpis[i] for i in location], out, refs=refs,
                    suppress=suppress)''',
           cap="Where children in care live: placement location and provider measures"),
    output("tbl-cic-entry-profile", '''\
nb.publish_table("tbl-cic-entry-profile", tables.profile(starts, count="value",
                                                          suppress=suppress), out)''',
           cap="Children who started to be looked after in the year, by sex, ethnic group, age "
               "band and legal status at entry"),
    output("txt-cic-s20", '''\
nb.show_text(headlines.share_sentence(
    profile, "legal_status", "Section 20", count="count", suppress=suppress,
    template="{n} children in care ({pct} of all) were looked after under Section 20 "
             f"(voluntary accommodation) on {nb.long_date(date)}")
    + " " + headlines.share_sentence(
    starts["legal_status"], "legal_status", "Section 20", count="value", suppress=suppress,
    template="{n} of the {total} children who started care in " + fy
             + " ({pct}) started under Section 20"))'''),
    output("tbl-cic03-ceased", '''\
previous = nb.years_back(date, 1)
ceased = {fy: compute("CIC-03", data, date),
          nb.fy_label(previous): compute("CIC-03", data, previous)}
nb.publish_table("tbl-cic03-ceased", tables.compare_periods(ceased, "reason", suppress=suppress),
                 out)''', cap="Children who ceased to be looked after by reason, this year and "
                               "last year (number and percentage)"),
    about("cic", ["CIC-01", "CIC-02", "CIC-03", "CIC-03S", "CIC-04", "CIC-05", "CIC-06", "CIC-07",
                  "CIC-08", "CIC-08D", "CIC-09"]),
]

PLACEMENT_STABILITY = [
    '''\
kpis = nb.compute_all(["PS-01", "PS-02", "PS-05"], data, date)
trends = {i: series(i, data, nb.months_back(date, 12), date) for i in ["PS-01", "PS-02"]}
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)''',
    output("txt-ps-headline", '''\
nb.show_text([headlines.kpi_sentence(kpis[i], target=refs.target.get(i),
                                     england=refs.england.get(i), suppress=suppress)
              for i in ["PS-01", "PS-02"]])'''),
    output("fig-ps01-trend", '''\
nb.show_figure(charts.indicator_trend(trends["PS-01"], la_name=la_name,
                                      target=refs.target.get("PS-01"),
                                      england=refs.england.get("PS-01"), suppress=suppress))''',
           cap="Children in care with three or more placements in the last 12 months, "
               "monthly, against target and England",
           alt="Line chart of the percentage of children in care with three or more "
               "placements in the last 12 months at each month end over the last year, "
               "with the target and England shown as reference lines."),
    output("fig-ps02-trend", '''\
nb.show_figure(charts.indicator_trend(trends["PS-02"], la_name=la_name,
                                      target=refs.target.get("PS-02"),
                                      england=refs.england.get("PS-02"), suppress=suppress))''',
           cap="Children in care long term who have been in the same placement for two years, "
               "monthly, against target and England",
           alt="Line chart of the percentage of children under 16 in care for two and a half "
               "years or more who have been in the same placement for two years, at each "
               "month end over the last year, with the target and England as reference lines."),
    output("tbl-ps03-distribution", '''\
nb.publish_table("tbl-ps03-distribution", tables.crosstab(
    compute("PS-03", data, date), "age_band", "placements", suppress=suppress), out)''',
           cap="Children with three or more placements in the year, by age band and number of "
               "placements"),
    output("tbl-ps04-reasons", '''\
nb.publish_table("tbl-ps04-reasons", tables.marginal(
    compute("PS-04", data, date), "reason", suppress=suppress), out)''',
           cap="Placement moves in the year by reason for the change"),
    about("ps", ["PS-01", "PS-02", "PS-03", "PS-04", "PS-05"]),
]

IHA_TIMELINESS = [
    '''\
oc2 = ["HE-06a", "HE-06b", "HE-06c", "HE-06d", "HE-06e", "HE-06", "HE-06f"]
kpis = nb.compute_all(["HE-01", "HE-02", "HE-04", "HE-05", *oc2], data, date)
by_uasc = {i: compute(i, data, date, by="uasc") for i in ["HE-01", "HE-02"]}
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)''',
    output("txt-he-headline", '''\
nb.show_text([
    headlines.kpi_sentence(kpis[i], target=refs.target.get(i), england=refs.england.get(i),
                           suppress=suppress)
    + headlines.split_rates(by_uasc[i], "uasc", suppress=suppress)
    for i in ["HE-01", "HE-02"]])'''),
    output("fig-he-trend", '''\
if kpis["HE-02"]["available"].all():
    start = nb.months_back(date, 12)
    lines = {f"{name}, {g}": part[part["uasc"] == g]
             for name, i in [("IHA request in 5 days", "HE-01"), ("IHA in 20 days", "HE-02")]
             for part in [series(i, data, start, date, by="uasc")] for g in ["Citizen", "UASC"]}
    nb.show_figure(charts.indicator_trend(
        charts.combine(lines).assign(indicator="HE-02"), la_name=la_name, group="line",
        target=refs.target.get("HE-02"), floor=refs.floor.get("HE-02"),
        headline=series("HE-02", data, start, date),
        measure="IHA requests within 5 working days (HE-01) and IHAs within 20 working days "
                "(HE-02), rolling 12 months; bands for HE-02", suppress=suppress))
else:
    nb.show_note(kpis["HE-02"]["note"].iloc[0])''',
           cap="Initial health assessment timeliness over the last 12 months, citizen children "
               "and UASC, with red, amber and green bands",
           alt="Line chart over the last 12 months of the percentage of health assessment "
               "requests sent within 5 working days and of initial health assessments done "
               "within 20 working days, for citizen children and UASC, over shaded red, "
               "amber and green bands."),
    output("tbl-he03-breaches", '''\
he03 = compute("HE-03", data, date)
if he03["available"].all():
    nb.publish_table("tbl-he03-breaches", tables.crosstab(he03, "quarter", "outcome",
                                                          suppress=suppress), out)
else:
    nb.show_note(he03["note"].iloc[0])''',
           cap="Initial health assessments by quarter: in time, and breaches by responsibility"),
    output("tbl-he03-reasons", '''\
he03a = compute("HE-03a", data, date)
if he03a["available"].all():
    nb.publish_table("tbl-he03-reasons", tables.marginal(he03a, "delay_reason",
                                                         suppress=suppress), out)
else:
    nb.show_note(he03a["note"].iloc[0])''', cap="Initial health assessment breaches by reason for delay"),
    output("tbl-he-rha-dental", '''\
nb.publish_measures("tbl-he-rha-dental", [kpis["HE-04"], kpis["HE-05"]], out, refs=refs,
                    suppress=suppress)''', cap="Review health assessments and dental checks"),
    output("tbl-he06-oc2", '''\
nb.publish_measures("tbl-he06-oc2", [kpis[i] for i in oc2], out, refs=refs,
                    suppress=suppress)''',
           cap="Health outcomes (OC2) of children in care for 12 months or more at 31 March"),
    about("he", ["HE-01", "HE-02", "HE-03", "HE-03a", "HE-04", "HE-05", "HE-06a", "HE-06b",
                 "HE-06c", "HE-06d", "HE-06e", "HE-06", "HE-06f"]),
]

IRO_REVIEWS = [
    '''\
kpis = nb.compute_all(["IR-01", "IR-02", "IR-04", "IR-04a", "IR-05", "IR-06", "IR-07a", "IR-08"],
                      data, date)
start = nb.months_back(date, 12)
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)''',
    output("txt-ir-headline", '''\
nb.show_text([headlines.kpi_sentence(kpis[i], target=refs.target.get(i),
                                     england=refs.england.get(i), suppress=suppress)
              for i in ["IR-01", "IR-02", "IR-04", "IR-05"]])'''),
    output("tbl-ir-caseload", '''\
nb.publish_measures("tbl-ir-caseload", [kpis[i] for i in ["IR-04", "IR-04a", "IR-05", "IR-06"]],
                    out, refs=refs, suppress=suppress)''',
           cap="Reviews held, IRO caseloads and continuity of IRO"),
    output("fig-ir01-trend", '''\
nb.show_figure(charts.indicator_trend(series("IR-01", data, start, date), la_name=la_name,
                                      target=refs.target.get("IR-01"),
                                      england=refs.england.get("IR-01"), suppress=suppress))''',
           cap="Children in care reviewed within timescale, monthly",
           alt="Line chart of the percentage of children in care whose reviews were all held "
               "within timescale, at each month end over the last year."),
    output("tbl-ir02-participation", '''\
nb.publish_measures("tbl-ir02-participation", [kpis["IR-02"]], out, refs=refs,
                    suppress=suppress)''',
           cap="Reviews in the last 12 months where the child participated"),
    output("tbl-ir03-method", '''\
nb.publish_table("tbl-ir03-method", tables.crosstab(
    compute("IR-03", data, date), "participation", "age_at_review", suppress=suppress), out)''',
           cap="Reviews in the year by participation method (PN code) and age band"),
    output("tbl-ir07-escalations", '''\
ir07 = compute("IR-07", data, date)
if ir07["available"].all():
    nb.publish_table("tbl-ir07-escalations", tables.crosstab(ir07, "category", "stage",
                                                             suppress=suppress), out)
    nb.show_text(headlines.kpi_sentence(kpis["IR-07a"], suppress=suppress))
else:
    nb.show_note(ir07["note"].iloc[0])''',
           cap="Dispute resolution: escalations raised in the year by category and stage"),
    output("fig-ir08-trend", '''\
if kpis["IR-08"]["available"].all():
    nb.show_figure(charts.indicator_trend(series("IR-08", data, start, date), la_name=la_name,
                                          target=refs.target.get("IR-08"), suppress=suppress))
else:
    nb.show_note(kpis["IR-08"]["note"].iloc[0])''',
           cap="Care plans graded good or better, rolling 12 months, monthly",
           alt="Line chart of the percentage of care plans quality-assured in the previous "
               "12 months that were graded good or better, at each month end over the last "
               "year, with the target line."),
    output("tbl-ir08-grades", '''\
ir08 = compute("IR-08a", data, date)
if ir08["available"].all():
    nb.publish_table("tbl-ir08-grades", tables.marginal(ir08, "grade", suppress=suppress), out)
else:
    nb.show_note(ir08["note"].iloc[0])''', cap="Care plans quality-assured in the last 12 months by grade"),
    about("ir", ["IR-01", "IR-02", "IR-03", "IR-04", "IR-04a", "IR-05", "IR-06", "IR-07",
                 "IR-07a", "IR-08", "IR-08a"]),
]

ADOPTION_TIMESCALES = [
    """\
timeliness = ["AD-01", "AD-01-3Y", "AD-02", "AD-02-3Y", "AD-03", "AD-03-3Y"]
stages = ["AD-05a", "AD-05b", "AD-05c", "AD-05d", "AD-05"]
kpis = nb.compute_all([*timeliness, *stages, "AD-06", "AD-07a"], data, date)
journey = {nb.fy_label(d): compute("AD-04", data, d)
           for d in reversed([nb.years_back(date, n) for n in range(5)])}
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)""",
    output("txt-ad-headline", """\
nb.show_text([headlines.kpi_sentence(kpis[i], target=refs.target.get(i),
                                     england=refs.england.get(i), suppress=suppress,
                                     target_name="threshold" if i != "AD-06" else "target")
              for i in ["AD-01", "AD-02", "AD-03", "AD-06"]])"""),
    output("tbl-ad04-journey", """\
nb.publish_table("tbl-ad04-journey", tables.counts_by_period(journey, "stage", suppress=suppress),
                 out)
if tables.has_provisional(journey):
    nb.show_note("[p] provisional: matches come from the adoption return (AD1), which lists a "
                 "child only in the year they are adopted, so the latest year's matches will "
                 "rise as the children matched in it are adopted.")""", cap="Adoption journey: decisions, placement orders, matches, "
                              "placements and adoption orders in each of the last five years"),
    output("fig-ad-orders", """\
nb.show_figure(charts.period_counts(journey, "stage", "Adoption order", la_name=la_name,
                                    measure="Adoption orders", suppress=suppress))""",
           cap="Adoption orders in each of the last five years",
           alt="Bar chart of the number of adoption orders made in each of the last five "
               "financial years."),
    output("tbl-ad-timeliness", """\
nb.publish_measures("tbl-ad-timeliness", [kpis[i] for i in timeliness], out, refs=refs,
                    suppress=suppress)""",
           cap="Adoption timeliness (A1, A2, A10): rolling 12 months and 3-year averages "
               "against thresholds and England"),
    output("tbl-ad05-stages", """\
nb.publish_measures("tbl-ad05-stages", [kpis[i] for i in stages], out, refs=refs,
                    suppress=suppress)""",
           cap="Average days taken at each stage of the adoption journey"),
    output("tbl-ad07-waiting", """\
waiting = compute("AD-07", data, date)
nb.publish_table("tbl-ad07-waiting", tables.crosstab(waiting, "status", "waiting",
                                                     suppress=suppress), out)
if tables.has_provisional({"AD-07": waiting}):
    nb.show_note("[p] provisional: matches come from the adoption return (AD1), which lists a "
                 "child only in the year they are adopted, so in the last 12 months of the "
                 "data a child matched but not yet adopted shows as 'placement order, not "
                 "matched'. These rows, and AD-07a, will move from 'not matched' to 'matched' "
                 "as later returns are loaded; the number waiting is not affected.")""",
           cap="Children waiting for adoption by stage and time waiting"),
    about("ad", ["AD-01", "AD-01-3Y", "AD-02", "AD-02-3Y", "AD-03", "AD-03-3Y", "AD-04",
                 "AD-05a", "AD-05b", "AD-05c", "AD-05d", "AD-05", "AD-06", "AD-07", "AD-07a"]),
]

UASC_TRENDS = [
    """\
kpis = nb.compute_all(["UA-01", "UA-04", "UA-05", "UA-05T"], data, date)
arrivals = compute("UA-02", data, date)
nb.write_headlines(NAME, [*nb.records(kpis, suppress=suppress),
                          nb.table_record(arrivals, suppress=suppress)], out)""",
    output("txt-ua-headline", """\
nb.show_text([
    headlines.kpi_sentence(kpis["UA-01"], when=f"on {nb.long_date(date)}", suppress=suppress),
    headlines.table_sentence(arrivals, when=f"from {nb.period_text(date, 'R12M')}",
                             suppress=suppress),
    headlines.kpi_sentence(kpis["UA-04"], suppress=suppress),
    headlines.kpi_sentence(kpis["UA-05"], when=f"on {nb.long_date(date)}", suppress=suppress),
    headlines.kpi_sentence(kpis["UA-05T"], when=f"in {fy}", suppress=suppress),
])"""),
    output("fig-ua01-trend", """\
nb.show_figure(charts.numerator_trend(series("UA-01", data, nb.months_back(date, 23), date),
                                      la_name=la_name, suppress=suppress))""",
           cap="Unaccompanied asylum-seeking children in care at each month end over two years",
           alt="Line chart of the number of unaccompanied asylum-seeking children in care at "
               "each month end over the last two years."),
    output("tbl-ua02-arrivals", """\
nb.publish_table("tbl-ua02-arrivals", tables.profile(
    {c: arrivals for c in ["quarter", "age_at_arrival", "sex"]}, suppress=suppress), out)""",
           cap="UASC starting care in the last 12 months by quarter, age at arrival and sex"),
    output("tbl-ua03-nationality", """\
ua03 = compute("UA-03", data, date)
if ua03["available"].all():
    nb.publish_table("tbl-ua03-nationality", tables.marginal(ua03, "nationality",
                                                             suppress=suppress), out)
else:
    nb.show_note(ua03["note"].iloc[0])""", cap="Nationality of UASC in care"),
    output("tbl-ua04-nts", """\
nb.publish_measures("tbl-ua04-nts", [kpis["UA-01"], kpis["UA-04"]], out, refs=refs,
                    suppress=suppress)""",
           cap="UASC in care against the National Transfer Scheme threshold"),
    output("tbl-ua05-leavers", """\
nb.publish_measures("tbl-ua05-leavers", [kpis["UA-05"], kpis["UA-05T"]], out,
                    suppress=suppress)""",
           cap="UASC care leavers and UASC turning 18 in care"),
    about("ua", ["UA-01", "UA-02", "UA-03", "UA-03A", "UA-04", "UA-05", "UA-05T"]),
]

CARE_LEAVERS = [
    """\
outcomes = ["CL-01", "CL-02", "CL-03"]
age_groups = ["CL-02A", "CL-02B", "CL-03A", "CL-03B"]
in_touch = ["CL-02L", "CL-03L"]
kpis = nb.compute_all(outcomes + age_groups + in_touch, data, date)
nb.write_headlines(NAME, nb.records(kpis, suppress=suppress), out)""",
    output("txt-cl-headline", """\
nb.show_text([headlines.kpi_sentence(kpis[i], target=refs.target.get(i),
                                     england=refs.england.get(i), suppress=suppress)
              for i in outcomes + in_touch])"""),
    output("fig-cl-outcomes", """\
nb.show_figure(charts.measures_bars([kpis[i] for i in outcomes], la_name=la_name,
                                    period=f"care leavers aged 17 to 21, {fy}",
                                    measure="Care leaver outcomes (CL-01 to CL-03)",
                                    targets=refs.target, england=refs.england,
                                    suppress=suppress))""",
           cap="Care leaver outcomes against target and England",
           alt="Bar chart of the percentage of care leavers in touch, in education, "
               "employment or training, and in suitable accommodation, beside the target and "
               "England where known."),
    output("tbl-cl-outcomes", """\
nb.publish_measures("tbl-cl-outcomes", [kpis[i] for i in outcomes], out, refs=refs,
                    suppress=suppress)""",
           cap="Care leaver outcomes: number, percentage and England"),
    output("tbl-cl-age-groups", """\
nb.publish_measures("tbl-cl-age-groups", [kpis[i] for i in age_groups], out, refs=refs,
                    suppress=suppress)""",
           cap="Care leaver outcomes by age group (17 to 18, 19 to 21)"),
    output("tbl-cl-in-touch", """\
nb.publish_measures("tbl-cl-in-touch", [kpis[i] for i in in_touch], out, refs=refs,
                    suppress=suppress)""",
           cap="Local measures: outcomes of the care leavers in touch, against target "
               "(not comparable with England)"),
    about("cl", ["CL-01", "CL-02", "CL-03", "CL-02A", "CL-02B", "CL-03A", "CL-03B", "CL-02L",
                 "CL-03L"]),
]

SCORECARD = [
    """\
from cpanalytics.publish import scorecard

card = scorecard.build(data, date)
published = scorecard.publish(card)
counts = scorecard.summary(card)
nb.write_headlines(NAME, nb.scorecard_records(card, published), out)""",
    output("txt-sc-summary", """\
nb.show_text(headlines.rag_summary(counts, when=nb.long_date(date)))"""),
    output("tbl-scorecard", """\
nb.publish_table("tbl-scorecard", published.drop(columns=["Polarity"]), out)""",
           cap="Performance scorecard: every key performance indicator with its target, RAG "
               "rating, direction of travel, the value a year ago and England"),
    output("txt-sc-about", """\
nb.show_text(nb.scorecard_about())"""),
]

ADHOC_TEMPLATE = [
    """\
# Any indicator as at a date: one row with numerator, denominator and value (unsuppressed).
compute("PS-01", data, date)""",
    """\
# Split by any breakdown: uasc, sex, age_band, ethnicity_group, legal_status, placement_type...
by_age = compute("PS-01", data, date, by="age_band")
by_age""",
    """\
# A monthly series (one call for every month end) and a chart in the report style.
trend = series("PS-01", data, nb.months_back(date, 23), date)
nb.show_figure(charts.indicator_trend(trend, la_name=la_name, target=refs.target.get("PS-01")))""",
    """\
# Before sharing anything outside the team: suppress small numbers ([c]) and show as Markdown.
nb.publish_table("adhoc-ps01-by-age", tables.display_result(by_age, suppress=True)[
    ["age_band", "numerator", "denominator", "value"]], out)""",
    """\
# The catalogue of every indicator, with its definition.
from cpanalytics.indicators import catalogue

catalogue()[["id", "title", "period", "unit"]]""",
]

TITLES = {
    "children_in_care": ("Our children in care at a glance", CHILDREN_IN_CARE),
    "placement_stability": ("Placement stability", PLACEMENT_STABILITY),
    "iha_timeliness": ("Health of children in care", IHA_TIMELINESS),
    "adoption_timescales": ("Adoption", ADOPTION_TIMESCALES),
    "uasc_trends": ("Unaccompanied asylum-seeking children", UASC_TRENDS),
    "care_leavers": ("Care leavers", CARE_LEAVERS),
    "iro_reviews": ("IRO service: reviews, participation, caseloads and dispute resolution",
                    IRO_REVIEWS),
    "scorecard": ("Performance scorecard", SCORECARD),
    "adhoc_template": ("Ad hoc analysis: start here", ADHOC_TEMPLATE),
}


def _imports(cells: list[str]) -> str:
    """The set-up imports a notebook's cells use (so each notebook imports only what it needs)."""
    body = "\n".join(cells)
    modules = [m for m in ("charts", "headlines", "tables") if f"{m}." in body]
    functions = [f for f in ("compute", "series") if re.search(rf"\b{f}\(", body)]
    lines = [f"from cpanalytics.indicators import {', '.join(functions)}"] if functions else []
    if modules:
        lines.append(f"from cpanalytics.publish import {', '.join(modules)}")
    lines.append("from cpanalytics.runtime import notebook as nb")
    return "\n".join(lines)


def build(name: str, title: str, cells: list[str]) -> nbformat.NotebookNode:
    """The notebook: a title, the parameters cell, the set-up cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    intro = (f"# {title}\n\nParameterised report notebook (papermill). Generated by "
             "`tools/make_notebooks.py`: edit that file, not this one.")
    nb.cells = [
        nbformat.v4.new_markdown_cell(intro),
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(SETUP.format(name=name, imports=_imports(cells))),
        *(nbformat.v4.new_code_cell(source) for source in cells),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{i}"
    return nb


def main(argv: list[str] | None = None) -> int:
    """Write every notebook, or with ``--check`` report the ones out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, (title, cells) in TITLES.items():
        path = NOTEBOOKS / f"{name}.ipynb"
        text = nbformat.writes(build(name, title, cells)) + "\n"
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text)
    if stale:
        print(("out of date: " if args.check else "wrote: ") + ", ".join(stale))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
