"""Staging the performance pack (issue 17): after each Amber or Red KPI's paragraph, the
officer's explanation from narrative/pack/<YYYY-MM>/<ID>.md, sanitised as the annual
reports' narrative is; a visible placeholder box and a warning when one is missing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.errors import UserError
from cpanalytics.render import pack as render_pack
from cpanalytics.render.stage import NOT_SUPPLIED, stage_project
from cpanalytics.render.subset import cell_options
from cpanalytics.runtime.sections.pack import PARAGRAPH_KEY, PARAGRAPHS


def _output(indicator_id: str, text: str) -> dict:
    return {"output_type": "display_data", "data": {"text/markdown": text, "text/plain": "<Markdown>"},
            "metadata": {PARAGRAPH_KEY: indicator_id}}


def _notebook(folder: Path, outputs: list[dict]) -> Path:
    """An executed pack notebook: the header cell, then the paragraphs cell with ``outputs``."""
    cells = [{"cell_type": "code", "id": "head", "metadata": {}, "execution_count": 1,
              "source": "#| label: txt-pack-header\n#| echo: false\n", "outputs": []},
             {"cell_type": "code", "id": "paras", "metadata": {}, "execution_count": 2,
              "source": f"#| label: {PARAGRAPHS}\n#| echo: false\nsections.run(...)", "outputs": outputs}]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pack.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _stage(tmp_path: Path, explanations: dict[str, str]):
    notebooks = tmp_path / "built" / "notebooks"
    # the pack notebook's one paragraphs cell: HE-02's paragraph, then AD-06's (print order),
    # and a stray stream output that is no paragraph
    _notebook(notebooks, [_output("HE-02", "**HE-02: Red.** Text of HE-02."),
                          {"output_type": "stream", "name": "stderr", "text": "a warning"},
                          _output("AD-06", "**AD-06: Amber.** Text of AD-06.")])
    narrative = tmp_path / "project" / "narrative" / "pack" / "2018-08"
    narrative.mkdir(parents=True)
    for name, text in explanations.items():
        (narrative / name).write_text(text, encoding="utf-8")
    document = render_pack.document(date(2018, 8, 31), date(2018, 6, 30))
    staged = stage_project(2019, tmp_path / "out", notebooks_dir=notebooks, narrative_dir=narrative,
                           la_name="Anyshire", appendix="", today=date(2018, 9, 24),
                           document=document)
    return staged, narrative


def test_each_paragraph_is_followed_by_its_explanation_or_a_placeholder(tmp_path):
    staged, narrative = _stage(tmp_path, {
        "HE-02.md": "Delays were due to <script>alert('x')</script>**health** capacity.\n"})
    source = staged.path
    assert source == tmp_path / "out" / "2018-08" / "source"
    assert (source / render_pack.PARAGRAPHS_FILE).read_text() == (
        "{{< embed notebooks/pack.ipynb#txt-pack-paragraph-he-02 >}}\n\n"
        "{{< include narrative/HE-02.md >}}\n\n"
        "{{< embed notebooks/pack.ipynb#txt-pack-paragraph-ad-06 >}}\n\n"
        "{{< include narrative/AD-06.md >}}\n")
    # the staged notebook's paragraphs cell is now a cell per KPI, each with its own output
    cells = json.loads((source / "notebooks" / "pack.ipynb").read_text())["cells"]
    assert [cell_options(c)["label"] for c in cells] == [
        "txt-pack-header", "txt-pack-paragraph-he-02", "txt-pack-paragraph-ad-06"]
    assert [c["outputs"][0]["data"]["text/markdown"].strip() for c in cells[1:]] == [
        "**HE-02: Red.** Text of HE-02.", "**AD-06: Amber.** Text of AD-06."]
    assert len({c["id"] for c in cells}) == 3
    # the officer's text is sanitised like annual narrative: the script is gone, markdown kept
    explanation = (source / "narrative" / "HE-02.md").read_text()
    assert "<script" not in explanation and "**health** capacity" in explanation
    # AD-06 has none: a visible box, and the build warns naming the file and the folder
    box = (source / "narrative" / "AD-06.md").read_text()
    assert f'title="{NOT_SUPPLIED}AD-06.md"' in box
    assert staged.warnings == [
        f"explanation not supplied: AD-06.md (expected in {narrative}); the pack shows a "
        "placeholder box after its paragraph"]
    # only the pack's source is staged, with its month in the variables
    assert (source / "pack.qmd").is_file() and not (source / "corporate_parenting.qmd").exists()
    assert "month: August 2018" in (source / "_variables.yml").read_text()


def test_a_copied_placeholder_still_warns(tmp_path):
    box = render_pack.placeholder("HE-02.md", "narrative/pack/2018-08")
    staged, narrative = _stage(tmp_path, {"HE-02.md": box, "AD-06.md": "Written.\n"})
    assert staged.warnings == [f"explanation not written yet: {narrative / 'HE-02.md'} still "
                               "holds the placeholder box; the pack shows it"]


def test_no_amber_or_red_kpi(tmp_path):
    source = tmp_path / "source"
    _notebook(source / "notebooks", [])
    assert render_pack.stage_explanations(source, tmp_path / "nb", tmp_path / "none") == []
    assert (source / render_pack.PARAGRAPHS_FILE).read_text() == "No KPI is rated Amber or Red this month.\n"
    cells = json.loads((source / "notebooks" / "pack.ipynb").read_text())["cells"]
    assert [cell_options(c)["label"] for c in cells] == ["txt-pack-header"]


def test_a_notebook_without_the_paragraphs_cell_is_refused(tmp_path):
    path = tmp_path / "pack.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(UserError) as refused:
        render_pack.split_paragraphs(path)
    assert refused.value.code == "E710" and PARAGRAPHS in refused.value.problem


def test_the_months_explanations_are_the_projects_else_the_data_roots(tmp_path):
    when = pd.Timestamp("2018-08-31").date()
    data, project = tmp_path / "data", tmp_path / "project"
    assert render_pack.narrative_dir(when, data, project) == project / "narrative" / "pack" / "2018-08"
    (data / "narrative" / "pack" / "2018-08").mkdir(parents=True)
    assert render_pack.narrative_dir(when, data, project) == data / "narrative" / "pack" / "2018-08"
