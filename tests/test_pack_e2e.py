"""End to end: the performance pack for 31 August 2018 on the synthetic data (issue 17), built
with `cpanalytics pack`, read back from the Word document and the PDF: the RAG counts of the
cover report against the scorecard table the same document publishes; against the scorecard
the indicator engine gives, every RAG change since 30 June 2018 named and a paragraph for
every Amber and Red KPI (with its target and comparators of a year published by then), the
officer's explanation after its paragraph. A two-pack catch-up gives the same August pack.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pypdf import PdfReader

import cpanalytics
from cpanalytics.publish import disclosure, pack, scorecard

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "synthetic"
AS_AT, PREVIOUS = "2018-08-31", "2018-06-30"
STEM = "performance-pack-2018-08"
EXPLANATION = "Officer explanation: assessments were delayed by a shortage of paediatricians."


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pack(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cpanalytics", "pack", "--data", str(DATA), "--out", str(out),
         "--engine", "builtin", "--la-name", "Synthetic County Council", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("pack-out")
    narrative = tmp_path_factory.mktemp("explanations")
    (narrative / "HE-02.md").write_text(EXPLANATION + "\n", encoding="utf-8")
    done = _pack(out, "--as-at", AS_AT, "--narrative", str(narrative))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = out / "pack" / "2018-08"
    reader = PdfReader(folder / f"{STEM}.pdf")
    word = Document(str(folder / f"{STEM}.docx"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    landscape = [p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height)]
    return {
        "dir": folder, "stderr": done.stderr, "pdf": reader,
        "pdf_text": _squash(" ".join(p.extract_text() or "" for p in reader.pages)),
        "docx_text": _squash(" ".join([p.text for p in word.paragraphs] + cells)),
        # the published scorecard: the landscape pages of the PDF, the Word table's RAG column
        "pdf_table": _squash(" ".join(p.extract_text() or "" for p in landscape)),
        "docx_table": " ".join(_column(word, "RAG")), "docx_rows": len(_column(word, "RAG")),
    }


def _column(word: Document, heading: str) -> list[str]:
    """The cells under ``heading`` in the Word document's scorecard table."""
    for table in word.tables:
        header = [c.text.strip() for c in table.rows[0].cells]
        if {"Indicator", heading} <= set(header):
            return [row.cells[header.index(heading)].text.strip() for row in table.rows[1:]]
    raise AssertionError(f"no scorecard table with a {heading} column")


def _cover_counts(text: str) -> dict[str, int]:
    """The RAG counts the cover report's summary of performance states."""
    found = {word: re.search(rf"(\d+) (?:is|are) rated {word} –", text) for word in ("Green", "Amber", "Red")}
    assert all(found.values()), found
    return {word: int(m.group(1)) for word, m in found.items() if m}


def _paragraphs(text: str, flagged: pd.DataFrame) -> dict[str, str]:
    """Each Amber and Red KPI's paragraph (with its explanation), from its heading to the next."""
    heads = [f"({r['indicator']}): {scorecard.RAG_WORDS[r['rag']]}." for _, r in flagged.iterrows()]
    starts = [text.index(h) for h in heads]
    ends = [*starts[1:], text.index("Recommendations", starts[-1])]
    return {i: text[a:b] for i, a, b in zip(flagged["indicator"], starts, ends, strict=True)}


@pytest.fixture(scope="module")
def compared() -> pd.DataFrame:
    data = cpanalytics.load_data(DATA)
    return pack.compare(scorecard.build(data, AS_AT), scorecard.build(data, PREVIOUS))


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_rag_counts_equal_the_published_scorecard(built, kind):
    # the cover report's counts against the RAG words of the scorecard table printed in the
    # same document (a rating is always its word, never colour alone)
    cover = _cover_counts(built[f"{kind}_text"])
    table = {word: len(re.findall(rf"\b{word}\b", built[f"{kind}_table"])) for word in cover}
    assert cover == table and sum(table.values()) > 0
    rated = sum(cover.values())
    assert f"Of the {rated} KPIs rated, the RAG status for August 2018 is as follows" in built[f"{kind}_text"]
    kpis = re.search(r"performance results for (\d+) KPIs", built["docx_text"])
    assert kpis and int(kpis.group(1)) == built["docx_rows"]


@pytest.mark.parametrize("kind", ["pdf_text", "docx_text"])
def test_every_rag_change_since_the_previous_pack_is_named(built, compared, kind):
    changed = pack.changes(compared)
    assert len(changed) >= 1  # the synthetic data: AD-06 Green in June, Amber in August
    for _, row in changed.iterrows():
        was, now = scorecard.RAG_WORDS[row["before_rag"]], scorecard.RAG_WORDS[row["rag"]]
        assert (f"({row['indicator']}) changed from {was} in June 2018 to {now} in August 2018"
                in built[kind])


@pytest.mark.parametrize("kind", ["pdf_text", "docx_text"])
def test_every_amber_and_red_kpi_has_its_paragraph(built, compared, kind):
    flagged = pack.attention(compared)
    assert {"A", "R"} <= set(flagged["rag"])
    text = built[kind]
    places = []
    for _, row in flagged.iterrows():
        head = f"({row['indicator']}): {scorecard.RAG_WORDS[row['rag']]}."
        assert head in text, head
        places.append(text.index(head))
    assert places == sorted(places)  # improved first, as pack.attention orders them
    cited, paragraphs = [], _paragraphs(text, flagged)
    for _, row in flagged.iterrows():
        own = paragraphs[row["indicator"]]
        # each names its own distance from its own target, and its comparators with their year
        assert f"the target of {disclosure.format_reference(row['target'], row['unit'])}" in own
        years = re.findall(r"(?:England|statistical neighbours|the South East) (\d{4})/\d{2}", own)
        assert years or "No England, statistical neighbour or regional figure" in own
        cited += years
    # by 31 August 2018 the DfE had published figures up to 2016/17 (2017/18: December 2018)
    assert cited and max(map(int, cited)) == 2016
    # the officer's explanation follows its paragraph; the others show the placeholder box
    assert text.index(EXPLANATION) > text.index("(HE-02): Red.")
    missing = [i for i in flagged["indicator"] if i != "HE-02"]
    assert all(f"Narrative not supplied: {i}.md" in text for i in missing)
    assert "Narrative not supplied: HE-02.md" not in text


def test_build_warns_for_each_missing_explanation(built, compared):
    flagged = set(pack.attention(compared)["indicator"]) - {"HE-02"}
    warned = set(re.findall(r"explanation not supplied: ([\w-]+)\.md", _squash(built["stderr"])))
    assert warned == flagged
    # no config/pack.yaml in the synthetic data: the packaged placeholders, and a warning
    assert "still holds placeholders (<...>) in: from, contacts.Lead Officer" in _squash(built["stderr"])


def test_pack_outputs_scorecard_landscape_and_committee_header(built):
    folder = built["dir"]
    assert {p.name for p in folder.iterdir()} >= {f"{STEM}.html", f"{STEM}.pdf", f"{STEM}.docx",
                                                   "manifest.json", "tables"}
    text = built["pdf_text"]
    assert "To: Corporate Parenting Panel – date to be confirmed" in text
    assert "Classification: Unrestricted" in text
    assert "Lead Officer" in text and "Lead Director" in text
    pages = built["pdf"].pages
    landscape = [i for i, p in enumerate(pages) if float(p.mediabox.width) > float(p.mediabox.height)]
    assert landscape and landscape == list(range(landscape[0], landscape[-1] + 1))
    scorecard_pages = _squash(" ".join(pages[i].extract_text() for i in landscape))
    assert "Change since July 2018" in scorecard_pages and "Floor" in scorecard_pages
    table = pd.read_csv(folder / "tables" / "tbl-pack-scorecard.csv", dtype=str)
    assert list(table["Indicator"]) == list(scorecard.build(
        cpanalytics.load_data(DATA), AS_AT)["indicator"])


def test_a_catch_up_gives_the_same_pack(built, tmp_path):
    done = _pack(tmp_path, "--from", PREVIOUS, "--to", AS_AT, "--every", "2",
                 "--narrative", str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 of 2 packs built" in done.stdout
    for name in ("tbl-pack-scorecard.csv", "tbl-pack-activity.csv"):
        assert ((tmp_path / "pack" / "2018-08" / "tables" / name).read_text()
                == (built["dir"] / "tables" / name).read_text())
    assert (tmp_path / "pack" / "2018-06" / "performance-pack-2018-06.pdf").is_file()
