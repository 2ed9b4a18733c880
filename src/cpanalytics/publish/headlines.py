"""Headline sentences carrying computed numbers (reports.md, "Data-driven" sections).

The number in a sentence is the indicator value rounded to 1 dp for percentages, rates
and means, and to 0 dp for counts and days; a suppressed figure reads ``[c]`` and the
comparison that would reveal it is left out. Every count of children a sentence prints
is recorded for the whole-publication disclosure audit (``publication_audit.printed``),
under the same population key as the table cells it equals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import pandas as pd

from cpanalytics.publish import disclosure, wording
from cpanalytics.publish.disclosure import CONFIDENTIAL, NOT_AVAILABLE
from cpanalytics.publish.publication_audit import figure_key, measure_cells, origin, printed
from cpanalytics.publish.targets import Comparator

#: Decimal places of the number in a sentence, by indicator unit (1 dp otherwise).
SENTENCE_DECIMALS: dict[str, int] = {"%": 1, "count": 0, "days": 0}


def sentence_number(value: float | None, unit: str) -> str:
    """The value as a sentence shows it: ``9.7%``, ``1,579``, ``332`` days, ``40.5``."""
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    text = disclosure.format_number(value, SENTENCE_DECIMALS.get(unit, 1))
    return text + "%" if unit.startswith("%") else text


def figure(
    result: pd.DataFrame, *, suppress: bool = True, threshold: int = disclosure.DEFAULT_THRESHOLD
) -> str:
    """The headline number of a one-row result, ``[c]`` when suppression hides it."""
    from cpanalytics.publish.tables import display_result

    unit = _unit(result)
    shown = display_result(result, suppress=suppress, threshold=threshold).iloc[0]["value"]
    if shown in (CONFIDENTIAL, NOT_AVAILABLE):
        return str(shown)
    return sentence_number(result["value"].iloc[0], unit)


def comparison(
    value: float, reference: float | Comparator | None, unit: str, name: str
) -> str:
    """``below the 10% target``, ``above England 2016/17: 58.6%``, ``in line with ...``.

    A :class:`~cpanalytics.publish.targets.Comparator` is named with its year (and an age note when
    old). The value is compared as shown (rounded to the sentence's decimals).
    """
    england: Comparator | None = None
    if isinstance(reference, Comparator):
        england, reference = reference, reference.value
    if reference is None or pd.isna(reference):
        return ""
    decimals = 1 if unit.startswith("%") else SENTENCE_DECIMALS.get(unit, 1)
    shown, ref = round(float(value), decimals), round(float(reference), decimals)
    word = "above" if shown > ref else "below" if shown < ref else "in line with"
    ref_text = _reference_text(reference, unit)
    if england is not None:
        return f"{word} {england.describe(ref_text)}"
    if unit == "days":
        return f"{word} the {ref_text}-day {name}"
    if unit.startswith("%"):
        return f"{word} the {ref_text} {name}"
    return f"{word} the {name} of {ref_text}"


def kpi_sentence(
    result: pd.DataFrame,
    *,
    target: float | None = None,
    england: Comparator | None = None,
    target_name: str = "target",
    when: str | None = None,
    previous: pd.DataFrame | None = None,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """One sentence for a one-row indicator result, compared with its target and England,
    and with ``previous`` (the same measure a year earlier) when given.

    ``when`` (e.g. "on 31 March 2025") is appended to the measure phrase.
    """
    if england is not None and not isinstance(england, Comparator):
        raise TypeError("england must be a config.Comparator, so that its year is shown")
    ind_id = str(result["indicator"].iloc[0])
    if not _is_available(result):
        return wording.unavailable(str(result["note"].iloc[0])) + "."
    number = figure(result, suppress=suppress, threshold=threshold)
    phrase = _phrase(ind_id, result)
    counts = _counts(result, suppress, threshold)
    text = phrase.format(value=number, **counts)
    printed("text", _result_cells(result, {"value": number} | {p: n for p, n in counts.items() if f"{{{p}}}" in phrase}))
    if when:
        text += f" {when}"
    if number != CONFIDENTIAL:
        unit = _unit(result)
        value = float(result["value"].iloc[0])
        clauses = [comparison(value, target, unit, target_name),
                   comparison(value, england, unit, "")]
        clauses = [c for c in clauses if c]
        if clauses:
            text += ", " + " and ".join(clauses)
    return _capitalise(text) + earlier(previous, suppress=suppress, threshold=threshold) + "."


def earlier(
    previous: pd.DataFrame | None, *, suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """``; on 31 March 2024 it was 97.4%`` (``; in 2023-24 it was 998``): the same measure a
    year earlier, to close a sentence (the IRO Handbook report compares each year with the
    last); empty when there is none, or it is not available."""
    if previous is None or not len(previous) or not _is_available(previous):
        return ""
    number = figure(previous, suppress=suppress, threshold=threshold)
    if number == NOT_AVAILABLE:
        return ""
    printed("text", _result_cells(previous, {"value": number}))
    return f"; {_period_words(previous)} it was {number}" + (
        " days" if _unit(previous) == "days" and number != CONFIDENTIAL else "")


def _period_words(result: pd.DataFrame) -> str:
    """When a one-row result is for, as a sentence says it: ``on 31 March 2024``, ``in
    2023-24``, ``in the 12 months to 31 March 2024``."""
    from cpanalytics.measures.indicators import REGISTRY

    day = pd.Timestamp(result["date"].iloc[0])
    ind_id = str(result["indicator"].iloc[0])
    period = REGISTRY[ind_id].period if ind_id in REGISTRY else "SS"
    long = f"{day.day} {day:%B %Y}"
    if period in ("FY", "YTD"):
        start = day.year - (day.month < 4)
        return f"in {start}-{str(start + 1)[-2:]}" if day.month == 3 and day.is_month_end else (
            f"in the year to {long}")
    if period == "R12M":
        return f"in the 12 months to {long}"
    if period == "3Y":
        return f"in the 3 years to {long}"
    return f"on {long}"


def split_sentence(
    total: pd.DataFrame,
    by: pd.DataFrame,
    column: str,
    *,
    when: str | None = None,
    labels: dict[str, str] | None = None,
    previous: pd.DataFrame | None = None,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """A count sentence with its split: ``There were 1,706 children in care on 31 July 2019
    (1,390 citizen children and 316 UASC).`` Parts are suppressed as a set with the total;
    ``previous`` (the total a year earlier) closes it, as in :func:`kpi_sentence`."""
    if not _is_available(total):
        return wording.unavailable(str(total["note"].iloc[0])) + "."
    number = figure(total, suppress=suppress, threshold=threshold)
    text = _phrase(str(total["indicator"].iloc[0]), total).format(value=number)
    if when:
        text += f" {when}"
    parts = _parts(by, column, suppress, threshold)
    cells, sums = _part_cells(by, column, parts)
    printed("text", _result_cells(total, {"value": number}) + cells, sums)
    pieces = [f"{n} {(labels or {}).get(g, g)}" for g, n in parts]
    if pieces:
        text += " (" + " and ".join(pieces) + ")"
    return _capitalise(text) + earlier(previous, suppress=suppress, threshold=threshold) + "."


def split_rates(
    by: pd.DataFrame,
    column: str,
    *,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """The same measure for each group, to follow a sentence: `` Citizen: 92.1%; UASC: 85.0%.``
    (empty when unavailable)."""
    if not _is_available(by) or by.empty:
        return ""
    parts = _parts(by, column, suppress, threshold)
    printed("text", *_part_cells(by, column, parts))
    return " " + "; ".join(f"{g}: {n}" for g, n in parts) + "."


def share_sentence(
    by: pd.DataFrame,
    column: str,
    group: str,
    *,
    template: str,
    count: str = "value",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """Fill ``template`` with ``{n}``, ``{total}`` and ``{pct}`` for one group of a split.

    ``n`` is the group's count (``[c]`` when below the threshold, and then ``pct`` too).
    """
    counts = by.groupby(column, observed=True)[count].sum()
    n = float(counts.get(group, 0))
    total = float(counts.sum())
    hidden = suppress and 0 < n < threshold
    pct = 100 * n / total if total else float("nan")
    shown = {"n": CONFIDENTIAL if hidden else sentence_number(n, "count"),
             "total": sentence_number(total, "count")}
    text = template.format(**shown, pct=CONFIDENTIAL if hidden else sentence_number(pct, "%"))
    if (source := origin(by)) is not None:
        keys = {g: figure_key(*source, "count", {column: g}) for g in counts.index.astype(str)}
        chosen = [("n", keys.get(group, figure_key(*source, "count", {column: group})), n),
                  ("total", figure_key(*source), total)]
        printed("text", [{"key": k, "value": v, "shown": shown[p]} for p, k, v in chosen if f"{{{p}}}" in template],
                [(figure_key(*source), list(keys.values()))])
    return _capitalise(text) + "."


def _parts(
    by: pd.DataFrame, column: str, suppress: bool, threshold: int
) -> list[tuple[str, str]]:
    """(group, number as shown) for each row of a split result, suppressed together."""
    from cpanalytics.publish.tables import display_result

    shown = display_result(by, suppress=suppress, threshold=threshold)["value"]
    unit = _unit(by)
    # pandas-stubs types items() labels as Hashable, which its .loc overloads refuse
    labelled = cast("Iterable[tuple[Any, Any]]", by[column].items())
    return [
        (str(g), str(shown.loc[i]) if shown.loc[i] in (CONFIDENTIAL, NOT_AVAILABLE)
         else sentence_number(by.loc[i, "value"], unit))
        for i, g in labelled
    ]


def table_sentence(
    result: pd.DataFrame,
    *,
    when: str | None = None,
    previous: pd.DataFrame | None = None,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> str:
    """A count sentence for a table-type result's total (the sum of ``count``), closed by
    the total a year earlier when ``previous`` is given (``; in 2023-24 it was 150``)."""
    if not _is_available(result):
        return wording.unavailable(str(result["note"].iloc[0])) + "."
    text = _phrase(str(result["indicator"].iloc[0]), result).format(
        value=_total(result, suppress, threshold))
    close = ""
    if previous is not None and len(previous) and _is_available(previous):
        close = f"; {_period_words(previous)} it was {_total(previous, suppress, threshold)}"
    return _capitalise(text + (f" {when}" if when else "")) + close + "."


def _total(result: pd.DataFrame, suppress: bool, threshold: int) -> str:
    """A table-type result's total as a sentence prints it (recorded for the audit)."""
    total = float(result["count"].sum())
    number = CONFIDENTIAL if suppress and 0 < total < threshold else sentence_number(total, "count")
    if (source := origin(result)) is not None:
        printed("text", [{"key": figure_key(*source), "value": total, "shown": number}])
    return number


def rag_summary(counts: pd.Series, *, when: str) -> str:
    """``Of the 12 key performance indicators rated on 31 March 2025, 8 were Green, 0 Amber
    and 4 Red; 22 were not rated (...).`` (``counts`` from ``scorecard.summary``)."""
    g, a, r = (int(counts.get(k, 0)) for k in ("G", "A", "R"))
    unrated = int(counts.get("not rated", 0))
    return (f"Of the {g + a + r} key performance indicators rated on {when}, {g} were Green, "
            f"{a} Amber and {r} Red; {unrated} were not rated (no target, not available or "
            "too few children).")


def rag_changes(changes: pd.DataFrame, *, since: str) -> str:
    """``Since 31 March 2024, 2 ratings have changed: <measure> (PS-02) from Amber to Red;
    ...`` or ``No rating has changed since 31 March 2024.`` (``changes`` from
    ``scorecard.rag_changes``)."""
    if changes.empty:
        return f"No rating has changed since {since}."
    items = "; ".join(f"{m} ({i}) from {w} to {n}" for m, i, w, n in zip(
        changes["measure"], changes["indicator"], changes["was"], changes["now"], strict=True))
    plural = "rating has" if len(changes) == 1 else "ratings have"
    return f"Since {since}, {len(changes)} {plural} changed: {items}."


def trend_phrase(start: float, end: float, unit: str) -> str:
    """``rose from 8.9% to 9.7%``, ``fell from ...``, ``stayed at ...`` (values as shown)."""
    a, b = sentence_number(start, unit), sentence_number(end, unit)
    if a == b:
        return f"stayed at {b}"
    return f"{'rose' if end > start else 'fell'} from {a} to {b}"


def _counts(result: pd.DataFrame, suppress: bool, threshold: int) -> dict[str, str]:
    """Numerator and denominator of a one-row result as shown (``[c]`` when small)."""
    from cpanalytics.publish.tables import display_result

    shown = display_result(result.iloc[[0]], suppress=suppress, threshold=threshold).iloc[0]
    return {c: str(shown[c]) for c in ("numerator", "denominator") if c in shown}


def _result_cells(result: pd.DataFrame, shown: Mapping[str, str]) -> list[dict[str, Any]]:
    """The counts of children a one-row result's sentence prints (``shown``: part -> text),
    for ``publication_audit.printed``."""
    if (source := origin(result)) is None:
        return []
    row = result.iloc[0]
    numbers = {p: row[p] for p in shown if p in row.index}
    cells = measure_cells(0, *source, _unit(result), numbers, {p: p for p in numbers})
    return [{**c, "shown": shown[c["column"]]} for c in cells]


def _part_cells(
    by: pd.DataFrame, column: str, parts: Sequence[tuple[str, str]]
) -> tuple[list[dict[str, Any]], list[tuple[str, list[str]]]]:
    """The groups' counts a sentence prints (``parts``: group, text) and their sum (none
    for a split of rates)."""
    if (source := origin(by)) is None or _unit(by) != "count":
        return [], []
    keys = [figure_key(*source, "count", {column: g}) for g, _ in parts]
    cells = [{"key": k, "value": v, "shown": n} for k, v, (_, n) in zip(keys, by["value"], parts, strict=True)]
    return cells, [(figure_key(*source), keys)]


def _phrase(ind_id: str, result: pd.DataFrame) -> str:
    """The measure's phrase (its registry entry's ``phrase``), else its title."""
    from cpanalytics.measures.indicators import REGISTRY

    if ind_id in REGISTRY and (phrase := REGISTRY[ind_id].phrase) is not None:
        return phrase
    title = str(result.attrs.get("title") or ind_id)
    return title + ": {value}"


def _unit(result: pd.DataFrame) -> str:
    from cpanalytics.measures.indicators import REGISTRY

    ind_id = str(result["indicator"].iloc[0])
    return REGISTRY[ind_id].unit if ind_id in REGISTRY else str(result.attrs.get("unit", ""))


def _is_available(result: pd.DataFrame) -> bool:
    return "available" not in result or bool(result["available"].fillna(True).iloc[0])


def _reference_text(value: float, unit: str) -> str:
    """A target or comparator as written in prose: ``10%``, ``58.6%``, ``426``."""
    text = f"{float(value):,.1f}".removesuffix(".0")
    return text + "%" if unit.startswith("%") else text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
