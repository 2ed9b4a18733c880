"""The Corporate Parenting Panel's performance pack: the cover report's sentences and the
performance report's scorecard (issue 17; the seed pack for August 2018,
``000_b8520759f08cb6f7.txt`` from line ~795).

The pack compares the scorecard at its date with the one the panel saw last, two month-ends
earlier (:func:`previous_date`). Every figure is as published: a value shown as ``[c]`` is
never printed, rated or compared, and no KPI is rated below a denominator of 5
(``scorecard.rag``). Sentences read the registry entry of each KPI: its title, ``phrase``,
``short`` label, polarity, period and unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.errors import UserError
from cpanalytics.publish import disclosure, scorecard
from cpanalytics.publish.disclosure import CONFIDENTIAL, NOT_APPLICABLE, NOT_AVAILABLE
from cpanalytics.publish.headlines import comparison
from cpanalytics.publish.publication_audit import describe, figure_key
from cpanalytics.publish.scorecard import DECLINING, IMPROVING, NO_CHANGE, RAG_WORDS
from cpanalytics.publish.targets import Comparator, Config

if TYPE_CHECKING:
    from cpanalytics.measures.indicators.registry import Indicator

#: Month-ends between one pack and the next (the panel meets every two months).
PACK_INTERVAL = 2
#: Months from 1 April in which year-to-date KPIs carry the caution note (the seed's "first
#: few months": April to June).
CAUTION_MONTHS = 3
#: The cohort below which a year-to-date KPI carries it (the seed's "small cohort"): under
#: 100 children, one child moves a percentage by more than a point.
CAUTION_COHORT = 100
#: What each rating means, as the seed's summary of performance says it.
RAG_MEANINGS = {"G": "Green – target achieved or exceeded",
                "A": "Amber – below target but at or above the floor standard",
                "R": "Red – below the floor standard"}
#: Comparator areas of ``comparators.csv`` (data-contract.md) and how a sentence names them.
COMPARATOR_AREAS = {"England": "England", "Stat neighbours": "statistical neighbours",
                    "South East": "the South East"}
#: The gap between two values of a unit, in words (none: the bare number).
GAP_UNITS = {"%": "percentage points", "days": "days", "children per FTE": "children per FTE"}
#: The words a sentence uses for the direction of travel (``scorecard.direction``).
MOVED = {IMPROVING: "improved", DECLINING: "declined", NO_CHANGE: "did not change"}
_HIDDEN = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE)


def previous_date(as_at: str | pd.Timestamp) -> pd.Timestamp:
    """The date of the scorecard the panel saw last: two month-ends earlier (the same day
    two months earlier when ``as_at`` is not a month-end)."""
    when = parse_date(as_at, "as_at")
    back = when - pd.DateOffset(months=PACK_INTERVAL)
    return (back + pd.offsets.MonthEnd(0)) if when.is_month_end else back


def month_end(when: date | pd.Timestamp, option: str) -> pd.Timestamp:
    """``when``, a month-end; ``UserError`` E345 naming its month's end otherwise: a pack is
    for a month (its activity columns, comparisons and folder are the month's)."""
    when = pd.Timestamp(when)
    if not when.is_month_end:
        end = when + pd.offsets.MonthEnd(0)
        raise UserError(f"{option} {when:%Y-%m-%d} is not a month-end: a pack is for a whole month",
                        code="E345", fix=f"give the month-end, {option} {end:%Y-%m-%d}")
    return when


def month(date: pd.Timestamp) -> str:
    """``August 2018``."""
    return f"{pd.Timestamp(date):%B %Y}"


def compare(
    now: pd.DataFrame, before: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """Each KPI of the scorecard ``now`` (``scorecard.build``) beside the scorecard the
    panel saw last (``before``): ``value``/``shown`` and ``before_value``/``before_shown``
    (missing where not published), the published ratings ``rag`` and ``before_rag``,
    ``movement`` (improving, declining, no change; by polarity, on published values) and
    ``changed`` (both rated, differently)."""
    aligned = before.set_index("indicator").reindex(now["indicator"]).reset_index()
    aligned["unit"] = now["unit"].to_numpy()
    shown = scorecard.published_values(now, threshold=threshold)
    shown_before = scorecard.published_values(aligned, threshold=threshold)
    visible = ~shown["value"].isin(_HIDDEN) & now["value"].notna()
    visible_before = (~shown_before["value"].isin(_HIDDEN) & aligned["value"].notna()).to_numpy()
    frame = now[["indicator", "title", "polarity", "period", "kind", "unit", "date", "target",
                 "floor", "numerator", "denominator"]].copy()
    frame["value"] = now["value"].where(visible)
    frame["shown"] = shown["value"].to_numpy()
    frame["numerator_shown"] = shown["numerator"].to_numpy()
    frame["denominator_shown"] = shown["denominator"].to_numpy()
    frame["rag"] = scorecard.published_ratings(now, threshold)["rag"].to_numpy()
    frame["before_date"] = pd.Timestamp(before["date"].iloc[0])
    frame["before_value"] = aligned["value"].where(visible_before).to_numpy()
    frame["before_shown"] = shown_before["value"].to_numpy()
    frame["before_rag"] = scorecard.published_ratings(aligned, threshold)["rag"].to_numpy()
    frame["movement"] = scorecard.direction(frame, prefix="before_")
    frame["changed"] = frame["rag"].notna() & frame["before_rag"].notna() & frame["rag"].ne(
        frame["before_rag"])
    return frame


def rag_counts(frame: pd.DataFrame) -> pd.Series:
    """How many KPIs are published Green, Amber and Red, and how many are not rated."""
    counts = frame["rag"].value_counts()
    return pd.Series({k: int(counts.get(k, 0)) for k in RAG_MEANINGS}
                     | {"not rated": int(frame["rag"].isna().sum())}, dtype="int64")


def rag_summary(frame: pd.DataFrame) -> str:
    """The seed's "Summary of Performance" (3.1, 3.2): how many KPIs, and how many are rated
    Green, Amber and Red, as Markdown with a list."""
    counts = rag_counts(frame)
    rated = int(counts[list(RAG_MEANINGS)].sum())
    when = month(frame["date"].iloc[0])
    lines = [
        f"The report contains key statistics and performance results for {_kpis(len(frame))}, "
        f"{rated} of which are assessed against their target using a Red/Amber/Green (RAG) "
        "rating.",
        "",
        f"Of the {_kpis(rated)} rated, the RAG status for {when} is as follows:",
        "",
        *(f"- {counts[k]} {'is' if counts[k] == 1 else 'are'} rated {RAG_MEANINGS[k]}"
          for k in RAG_MEANINGS),
    ]
    if counts["not rated"]:
        lines += ["", f"{_kpis(int(counts['not rated']), 'is', 'are')} not rated: no target is set, "
                  f"the figure is not available or not published, or it counts fewer than "
                  f"{scorecard.MIN_DENOMINATOR} children."]
    return "\n".join(lines)


def changes(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPIs whose published rating changed since the last pack, in scorecard order."""
    return frame[frame["changed"]].reset_index(drop=True)


def movement_sentence(row: pd.Series, registry: Mapping[str, Indicator]) -> str:
    """``Performance for this measure increased from an average of 108.4 days in June 2018
    to 111.8 days in August 2018.`` (its registry ``short`` label as the subject when set)."""
    short = getattr(registry.get(str(row["indicator"])), "short", None)
    subject = _capital(short) if short else "Performance for this measure"
    before, now = float(row["before_value"]), float(row["value"])
    was, new = _amount(before, row["unit"]), _amount(now, row["unit"])
    average = "an average of " if row["kind"] == "mean" else ""
    if was == new:
        return f"{subject} stayed at {average}{new} in {month(row['before_date'])} and {month(row['date'])}."
    verb = "increased" if now > before else "decreased"
    return (f"{subject} {verb} from {average}{was} in {month(row['before_date'])} to {new} in "
            f"{month(row['date'])}.")


def changes_text(
    frame: pd.DataFrame, registry: Mapping[str, Indicator], *, panel: str | None = None
) -> str:
    """The seed's 3.3: the scorecard the panel saw last, and each KPI whose rating changed
    since, with its movement in numbers. ``panel``: the date of that meeting, when known."""
    moved = changes(frame)
    before, now = month(frame["before_date"].iloc[0]), month(frame["date"].iloc[0])
    seen = f"submitted to the previous panel on {panel}" if panel else "the panel saw last"
    intro = f"The scorecard {seen} was for {before}."
    if moved.empty:
        return f"{intro} Between the two, no KPI's RAG rating changed."
    count = "1 KPI" if len(moved) == 1 else f"{len(moved)} KPIs"
    items = [f"- **{r['title']} ({r['indicator']})** changed from {RAG_WORDS[r['before_rag']]} in "
             f"{before} to {RAG_WORDS[r['rag']]} in {now}. {movement_sentence(r, registry)}"
             for _, r in moved.iterrows()]
    return "\n".join([f"{intro} Between the two, the RAG rating of {count} changed:", "", *items])


def comparators(
    config: Config, ids: Sequence[str], areas: Mapping[str, str] = COMPARATOR_AREAS,
    year: int | None = None,
) -> dict[str, list[Comparator]]:
    """Each KPI's latest comparator for each of ``areas`` (``comparators.csv`` area -> how
    a sentence names it), with its year: the latest for ``year`` or before (the pack's:
    those published by its date, ``targets.published_year``; default the reporting year)."""
    found: dict[str, list[Comparator]] = {}
    for ind in ids:
        found[ind] = []
        for area, name in areas.items():
            latest = config.comparator(ind, area, year)
            if latest is not None:
                found[ind].append(Comparator(latest[0], latest[1], config.year, name))
    return found


def attention(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPIs rated Amber or Red, improving ones first (the seed's order), then scorecard order."""
    flagged = frame[frame["rag"].isin(["A", "R"])].copy()
    order = flagged["movement"].map({IMPROVING: 0, NO_CHANGE: 1, DECLINING: 2}).fillna(3)
    return flagged.assign(_order=order).sort_values("_order", kind="stable").drop(
        columns="_order").reset_index(drop=True)


def attention_intro(frame: pd.DataFrame) -> str:
    """``For the 9 KPIs rated Amber or Red an update on performance follows. Between June
    2018 and August 2018, 4 improved, 1 did not change and 4 declined.``"""
    flagged = attention(frame)
    if flagged.empty:
        return "No KPI is rated Amber or Red."
    counts = flagged["movement"].value_counts()
    between = f"between {month(frame['before_date'].iloc[0])} and {month(frame['date'].iloc[0])}"
    parts = [f"{int(counts[m])} {MOVED[m]}" for m in (IMPROVING, NO_CHANGE, DECLINING) if m in counts]
    unknown = len(flagged) - int(counts.sum())
    parts += [f"{unknown} had no published figure to compare with"] if unknown else []
    joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return (f"For the {_kpis(len(flagged))} rated Amber or Red an update on performance follows. "
            f"{_capital(between)}, {joined}.")


def paragraph(
    row: pd.Series, registry: Mapping[str, Indicator], comparators: Sequence[Comparator] = ()
) -> str:
    """The seed's 3.4 paragraph for one Amber or Red KPI: its figure (registry ``phrase``),
    improved or declined since the last pack, distance from target and floor, and the
    comparators with their year; the YTD caution in the first months of the year."""
    entry = registry.get(str(row["indicator"]))
    head = f"**{row['title']} ({row['indicator']}): {RAG_WORDS[row['rag']]}.**"
    sentences = [head, _figure(row, entry), _since(row), _distance(row)]
    sentences.append(_compared(row, comparators))
    if _cautioned(row.to_frame().T).iloc[0]:
        sentences.append(
            f"This is a year-to-date figure for {row['denominator_shown']} children since 1 April: "
            "early in the year it rests on a small cohort, so treat it with a little caution.")
    return " ".join(s for s in sentences if s)


def paragraphs(
    flagged: pd.DataFrame, registry: Mapping[str, Indicator],
    found: Mapping[str, Sequence[Comparator]],
) -> list[tuple[str, str]]:
    """Each KPI of ``flagged`` (:func:`attention`, in its order) with its paragraph
    (:func:`paragraph`), against its comparators in ``found`` (:func:`comparators`)."""
    return [(str(r["indicator"]), paragraph(r, registry, found.get(str(r["indicator"]), ())))
            for _, r in flagged.iterrows()]


def _cautioned(frame: pd.DataFrame) -> pd.Series:
    """True for a published year-to-date KPI in the first :data:`CAUTION_MONTHS` months
    from 1 April whose cohort (denominator) is under :data:`CAUTION_COHORT` children."""
    into_year = (pd.to_datetime(frame["date"]).dt.month - 4) % 12 + 1
    small = pd.to_numeric(frame["denominator"], errors="coerce").lt(CAUTION_COHORT)
    return frame["period"].eq("YTD") & into_year.le(CAUTION_MONTHS) & small & frame["value"].notna()


def ytd_caution(frame: pd.DataFrame) -> str | None:
    """The seed's YTD note when a published year-to-date KPI rests on a small cohort in the
    first months of the financial year (:func:`_cautioned`), naming each and its cohort;
    ``None`` otherwise."""
    early = frame[_cautioned(frame)]
    if early.empty:
        return None
    named = "; ".join(f"{r['title']} ({r['indicator']}): {r['denominator_shown']} children"
                      for _, r in early.iterrows())
    return ("Some indicators are measured year to date (YTD), from 1 April to the end of the "
            f"month ({named}). For the first few months of the year they rest on a small "
            "cohort of children, so the percentages can easily be skewed: treat them with a "
            "little caution.")


def guidance() -> str:
    """The performance report's guidance notes (the seed's "Guidance Notes" page) as Markdown."""
    periods = "\n".join(f"- **{code}**: {scorecard.PERIOD_WORDS[code].lower()}"
                        f"{_PERIOD_NOTES.get(code, '')}" for code in ("SS", "R12M", "YTD", "FY"))
    return "\n".join([
        "**Polarity.** H: the aim is the highest number or percentage possible. L: the aim is "
        "the lowest possible. T: the aim is to stay close to the target.",
        "",
        "**RAG ratings.** *Green*: the target has been met. *Amber*: the target has not been "
        "met, but the floor standard has. *Red*: performance is below the floor standard. "
        "Floor standards are the minimum acceptable level of performance: a KPI below its "
        "floor must result in management action. No RAG rating is given to activity "
        "indicators, to measures without a target, or when the denominator is lower than "
        f"{scorecard.MIN_DENOMINATOR}.",
        "",
        "**Direction of travel.** *Better*: performance has improved since the previous month; "
        "*Worse*: it has declined; *Same*: it has not changed. Depending on the polarity, an "
        "improvement can be a fall or a rise.",
        "",
        "**Periods.**",
        "",
        periods,
        "",
        "**Year to date (YTD) data.** Some indicators are measured from April to the end of the "
        "current month. For the first few months, treat their results with a little caution: "
        "they are often based on a small cohort of children, so the percentages can be easily "
        "skewed.",
    ])


def scorecard_table(card: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The performance report's scorecard: ``scorecard.publish`` (value, numerator,
    denominator, target, RAG, the same month last year, England) with the floor and the
    direction of travel against the previous month."""
    table = scorecard.publish(card, threshold, since="year")
    now = pd.Timestamp(card["date"].iloc[0])
    since = f"Change since {month(scorecard.previous_month(now))}"
    monthly = scorecard.published_ratings(card, threshold, since="month")["direction"]
    floors = [disclosure.format_reference(f, u) + (" days" if u == "days" else "") if pd.notna(f)
              else NOT_APPLICABLE for f, u in zip(card["floor"], card["unit"], strict=True)]
    table = table.drop(columns=f"Change since {month(scorecard.year_ago(now))}").assign(
        Floor=floors, **{since: monthly.map(scorecard.DIRECTION_WORDS).fillna("").to_numpy()})
    order = [c for c in table.columns if c not in ("Floor", since)]
    order.insert(order.index("Target") + 1, "Floor")
    order.insert(order.index("RAG") + 1, since)
    return table[order]


def activity(
    counts: pd.DataFrame, as_at: pd.Timestamp, threshold: int = disclosure.DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """The key activity table: each row of ``counts`` (``activity``, ``measure``, ``where``:
    the breakdown counted or ``None``; year-to-date counts ``now``, ``before`` at the
    previous month-end and ``year_ago``) in the month, April to the month, and the same
    months a year earlier; counts of 1-4 ``[c]``, audited under the measure's figures."""
    as_at = pd.Timestamp(as_at)
    year_ago = scorecard.year_ago(as_at)
    wheres = [dict(w) if isinstance(w, Mapping) else None for w in counts["where"]]
    april = as_at.month == 4  # the month is the year so far
    since = "" if april else "April to "
    columns = {month(as_at): (counts["now"] - (0 if april else counts["before"]), as_at,
                              None if april else "month")}
    if not april:
        columns[f"{since}{month(as_at)}"] = (counts["now"], as_at, None)
    columns[f"{since}{month(year_ago)}"] = (counts["year_ago"], year_ago, None)
    frame = pd.DataFrame({"Activity": counts["activity"].to_numpy(),
                          **{c: v.to_numpy() for c, (v, _, _) in columns.items()}})
    shown = disclosure.suppress_table(frame, count_columns=list(columns), threshold=threshold)
    cells = [{"row": i, "column": c, "value": float(v),
              "key": figure_key(m, day, "count", ({**(w or {}), "in": part} if part else w))}
             for c, (values, day, part) in columns.items()
             for i, (m, w, v) in enumerate(zip(counts["measure"], wheres, values, strict=True))]
    return describe(shown, cells)


_PERIOD_NOTES = {"YTD": " (April to the end of the month)", "FY": " (April to March; the year "
                 "so far before 31 March)", "R12M": " (the 12 months to the end of the month)"}


def _kpis(n: int, *verb: str) -> str:
    """``24 KPIs``, ``1 KPI``; with ``verb`` (singular, plural) ``1 KPI is``."""
    text = f"{n} KPI" if n == 1 else f"{n} KPIs"
    return f"{text} {verb[0] if n == 1 else verb[1]}" if verb else text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _amount(value: float, unit: str) -> str:
    """A value as the scorecard publishes it, with its unit: ``8.4%``, ``108.4 days``,
    ``65.2 children per FTE``, ``42.4 per 10,000``."""
    shown = disclosure.format_value(value, unit)
    return shown if unit in ("%", "count") else f"{shown} {unit}"


def _gap(value: float, unit: str) -> str:
    """A distance between two values: ``3.4 percentage points``, ``9.2 days``."""
    text = disclosure.format_number(abs(value), disclosure.UNIT_DECIMALS.get(unit, 1))
    return f"{text} {GAP_UNITS[unit]}" if unit in GAP_UNITS else text


def _reference(value: float, unit: str) -> str:
    """A target or floor as set: ``85%``, ``121 days``."""
    text = disclosure.format_reference(value, unit)
    return text if unit in ("%", "count") else f"{text} {unit}"


def _period_words(period: str, date: pd.Timestamp) -> str:
    """When a figure is for: ``on 31 August 2018``, ``in the 12 months to 31 August 2018``."""
    day = f"{date.day} {date:%B %Y}"
    start = f"1 April {date.year - (date.month < 4)}"
    return {"SS": f"on {day}", "R12M": f"in the 12 months to {day}",
            "3Y": f"in the three years to {day}"}.get(period, f"from {start} to {day}")


def _figure(row: pd.Series, entry: Indicator | None) -> str:
    """The KPI's registry phrase with its published figure: ``14.8% of children leaving
    care ... in the 12 months to 31 August 2018.``"""
    phrase = getattr(entry, "phrase", None) or (str(row["title"]) + ": {value}")
    text = phrase.format(value=row["shown"], numerator=row["numerator_shown"],
                         denominator=row["denominator_shown"])
    return _capital(f"{text} {_period_words(row['period'], pd.Timestamp(row['date']))}.")


def _since(row: pd.Series) -> str:
    """Improved or declined since the last pack, with both figures."""
    before, now = month(row["before_date"]), month(row["date"])
    if pd.isna(row["before_value"]):
        return f"There is no published figure for {before} to compare with."
    was, new = _amount(row["before_value"], row["unit"]), _amount(row["value"], row["unit"])
    if row["movement"] == NO_CHANGE:
        return f"Performance did not change between {before} and {now} ({new})."
    return f"Performance {MOVED[row['movement']]} from {was} in {before} to {new} in {now}."


def _distance(row: pd.Series) -> str:
    """How far the published figure is from the target and the floor, by polarity."""
    unit = row["unit"]
    value = round(float(row["value"]), disclosure.UNIT_DECIMALS.get(unit, 1))
    target, floor = float(row["target"]), row["floor"]
    if row["polarity"] == "T":
        return f"It is {_gap(value - target, unit)} from the target of {_reference(target, unit)}."
    worse = 1 if row["polarity"] == "H" else -1  # sign of (target - value) when short of it
    short = worse * (target - value)
    side = "below" if (value < target) else "above"
    text = f"It is {_gap(short, unit)} {side} the target of {_reference(target, unit)}"
    if pd.notna(floor):
        margin = value - float(floor)
        where = "above" if margin > 0 else "below" if margin < 0 else "at"
        gap = f"{_gap(margin, unit)} " if margin else ""
        text += f" and {gap}{where} the floor standard of {_reference(float(floor), unit)}"
    return text + "."


def _compared(row: pd.Series, found: Sequence[Comparator]) -> str:
    """``It is below England 2018/19: 88% and above statistical neighbours 2018/19: 70%.``"""
    if not found:
        return "No England, statistical neighbour or regional figure is published for this measure."
    clauses = [comparison(float(row["value"]), c, row["unit"], "") for c in found]
    joined = ", ".join(clauses[:-1]) + " and " + clauses[-1] if len(clauses) > 1 else clauses[0]
    return f"It is {joined}."

