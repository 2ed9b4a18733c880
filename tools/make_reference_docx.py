"""Build the house style's Word reference document (``_extensions/cpanalytics/reference.docx``).

Starts from pandoc's own reference document (every style its DOCX writer uses), then sets
the house look with python-docx: Source Sans 3 (embedded, so Word shows it without the font
installed), heading sizes and colour, the "Table" style (shaded bold header row, grey rules),
captions, a "Callout" paragraph style, A4 with 2 cm margins, a running header (the
document's TITLE and AUTHOR fields) and a "Page N of M" footer. Quarto (format
cpanalytics-docx) and the built-in engine both pass it to pandoc as ``--reference-doc``.

Run: ``.venv/bin/python tools/make_reference_docx.py``
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
STYLE = ROOT / "src" / "cpanalytics" / "resources" / "reports" / "_extensions" / "cpanalytics"
FONT = "Source Sans 3"
#: Embedded font files (fonts/) by the fontTable element that names each style.
EMBEDDED = {"embedRegular": "SourceSans3_400Regular.ttf", "embedBold": "SourceSans3_700Bold.ttf",
            "embedItalic": "SourceSans3_400Regular_Italic.ttf",
            "embedBoldItalic": "SourceSans3_700Bold_Italic.ttf"}
BRAND = RGBColor(0x12, 0x43, 0x6D)
SECONDARY = RGBColor(0x50, 0x5A, 0x5F)
LINK = RGBColor(0x1D, 0x70, 0xB8)
RULE = "B1B4B6"
LIGHT = "F3F2F1"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _element(tag: str, **attrs: str) -> BaseOxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _replace(parent: BaseOxmlElement, child: BaseOxmlElement) -> None:
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.append(child)


def _border(side: str, size: int, colour: str) -> BaseOxmlElement:
    return _element(f"w:{side}", **{"w:val": "single", "w:sz": str(size), "w:space": "0",
                                    "w:color": colour})


def style_text(doc: WordDocument) -> None:
    """Body 11 pt (Source Sans 3 sets small) as the document default, so that the "Table"
    style's 9 pt applies in tables; headings in the house sizes, captions bold."""
    styles = doc.styles
    normal = styles["Normal"]
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        defaults.find(qn(tag)).set(qn("w:val"), "22")
    defaults.find(qn("w:lang")).set(qn("w:val"), "en-GB")
    for name, size, colour in (("Heading 1", 16, BRAND), ("Heading 2", 13, BRAND),
                               ("Heading 3", 11, None), ("Title", 24, BRAND)):
        style = styles[name]
        style.font.size, style.font.bold = Pt(size), True
        style.font.color.rgb = colour or RGBColor(0x0B, 0x0C, 0x0C)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name, size in (("Subtitle", 14), ("Author", 11), ("Date", 11)):  # based on Title
        style = styles[name]
        style.font.size, style.font.bold = Pt(size), False
        style.font.color.rgb = SECONDARY if name != "Subtitle" else RGBColor(0x0B, 0x0C, 0x0C)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for spacing in style.element.rPr.findall(qn("w:spacing")):  # pandoc's letter-spacing
            style.element.rPr.remove(spacing)
    for name in ("Header", "Footer"):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size, style.font.color.rgb = Pt(8), SECONDARY
    date = styles["Date"].element.get_or_add_pPr()
    borders = _element("w:pBdr")
    borders.append(_border("bottom", 24, "12436D"))
    _replace(date, borders)
    for name in ("Table Caption", "Image Caption"):
        style = styles[name]
        style.font.bold, style.font.italic = True, False
        style.font.size = Pt(10)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    styles["Table Caption"].paragraph_format.keep_with_next = True
    styles["Hyperlink"].font.color.rgb = LINK


def style_callout(doc: WordDocument) -> None:
    """The "Callout" paragraph style: a shaded box with a left bar (narrative placeholders)."""
    style = doc.styles.add_style("Callout", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Body Text"]
    fmt = style.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(0.3), Cm(0.3)
    fmt.space_before, fmt.space_after = Pt(4), Pt(4)
    ppr = style.element.get_or_add_pPr()
    borders = _element("w:pBdr")
    borders.append(_border("left", 24, "F46A25"))
    ppr.append(borders)
    ppr.append(_element("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": "FFF7F2"}))


def style_table(doc: WordDocument) -> None:
    """Pandoc's "Table" style: 9 pt, grey rules under each row, the header row bold on light grey."""
    table = doc.styles["Table"].element
    tblpr = table.find(qn("w:tblPr"))
    size = _element("w:rPr")
    size.append(_element("w:sz", **{"w:val": "18"}))
    size.append(_element("w:szCs", **{"w:val": "18"}))
    tblpr.addprevious(size)  # 9 pt, as the PDF's tables (the schema puts rPr before tblPr)
    borders = _element("w:tblBorders")
    borders.append(_border("bottom", 4, RULE))
    borders.append(_border("insideH", 4, RULE))
    _replace(tblpr, borders)
    for old in table.findall(qn("w:tblStylePr")):
        table.remove(old)
    first = _element("w:tblStylePr", **{"w:type": "firstRow"})
    rpr = _element("w:rPr")
    rpr.append(_element("w:b"))
    first.append(rpr)
    tcpr = _element("w:tcPr")
    cell_borders = _element("w:tcBorders")
    cell_borders.append(_border("bottom", 8, "0B0C0C"))
    tcpr.append(cell_borders)
    tcpr.append(_element("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": LIGHT}))
    first.append(tcpr)
    table.append(first)


def _field(paragraph: Paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    text = _element("w:instrText", **{"xml:space": "preserve"})
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def page_setup(doc: WordDocument) -> None:
    """A4, 2 cm margins; header "TITLE ... AUTHOR" from page 2; footer "Page N of M"."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    _field(header, "TITLE")
    header.add_run("\t")
    _field(header, "AUTHOR")
    for footer in (section.footer, section.first_page_footer):
        line = footer.paragraphs[0]
        line.style, line.alignment = doc.styles["Footer"], WD_ALIGN_PARAGRAPH.CENTER
        line.add_run("Page ")
        _field(line, "PAGE")
        line.add_run(" of ")
        _field(line, "NUMPAGES")


def _obfuscate(font: bytes, key: uuid.UUID) -> bytes:
    """ECMA-376 font obfuscation: XOR the first 32 bytes with the key's bytes, reversed."""
    mask = bytes.fromhex(key.hex)[::-1]
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


def embed_fonts(path: Path) -> None:
    """Theme fonts -> Source Sans 3, and its four styles embedded (fontTable, settings)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    theme = parts["word/theme/theme1.xml"].decode("utf-8")
    parts["word/theme/theme1.xml"] = re.sub(
        r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"', rf'\1{FONT}"', theme
    ).encode("utf-8")
    rels, entries = [], []
    for n, (element, filename) in enumerate(EMBEDDED.items(), start=1):
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"cpanalytics/{filename}")
        parts[f"word/fonts/font{n}.odttf"] = _obfuscate((STYLE / "fonts" / filename).read_bytes(), key)
        rels.append(f'<Relationship Id="rIdFont{n}" Type="{R}/font" Target="fonts/font{n}.odttf"/>')
        entries.append(f'<w:{element} r:id="rIdFont{n}" w:fontKey="{{{str(key).upper()}}}"/>')
    font = (f'<w:font w:name="{FONT}"><w:altName w:val="Arial"/><w:charset w:val="00"/>'
            f'<w:family w:val="swiss"/><w:pitch w:val="variable"/>{"".join(entries)}</w:font>')
    table = parts["word/fontTable.xml"].decode("utf-8")
    parts["word/fontTable.xml"] = table.replace("</w:fonts>", font + "</w:fonts>").encode("utf-8")
    parts["word/_rels/fontTable.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>").encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    odttf = ('<Default Extension="odttf" ContentType='
             '"application/vnd.openxmlformats-officedocument.obfuscatedFont"/>')
    parts["[Content_Types].xml"] = types.replace("</Types>", odttf + "</Types>").encode("utf-8")
    settings = parts["word/settings.xml"].decode("utf-8")
    # the schema's order: embedTrueTypeFonts comes right after zoom, before embedSystemFonts
    parts["word/settings.xml"] = re.sub(
        r"(<w:zoom\b[^>]*/>)", r"\1<w:embedTrueTypeFonts/>", settings, count=1
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "pandoc-reference.docx"
        subprocess.run([pypandoc.get_pandoc_path(), "-o", str(base),
                        "--print-default-data-file", "reference.docx"], check=True)
        doc = Document(str(base))
        style_text(doc)
        style_callout(doc)
        style_table(doc)
        page_setup(doc)
        doc.core_properties.title = "cpanalytics reference document"
        doc.core_properties.author = "cpanalytics"
        target = STYLE / "reference.docx"
        doc.save(str(target))
    embed_fonts(target)
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
