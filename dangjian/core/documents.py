"""Word documents in the official layout of GB/T 9704-2012 (党政机关公文格式), shared by every capability
that writes a report: rectification plans and notices, work reports, self-check reports, surveys.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines of 28 characters;
title in 方正小标宋简体 二号 (22 pt) centred; body 仿宋_GB2312 三号 (16 pt), first line indented two
characters; level-1 headings 黑体 ("一、"), level-2 楷体_GB2312 ("（一）"), level-3 仿宋 bold ("1.");
page numbers 宋体 四号 (14 pt) as "— 1 —", odd pages at the right, even pages at the left, one
character in from the edge.

Two ways to produce a document, both pure functions from data to bytes:
- `build_document(title, blocks)`: a list of Block(kind, text) turned into paragraphs;
- `render_template(name, context)`: a docxtpl (Jinja) template kept in dangjian/core/doc_templates/, so
  that the wording can be edited in Word without touching code. `write_template(path, blocks)` builds
  such a template from blocks whose text holds Jinja tags (the shipped templates are made that way).

`to_pdf(data)` converts with LibreOffice (`soffice --headless --convert-to pdf`) for previews and tests.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess  # noqa: S404 - LibreOffice is run with a fixed argument list, never through a shell
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE_DIR = Path(__file__).resolve().parent / "doc_templates"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
SIZE_TITLE, SIZE_BODY, SIZE_PAGE_NUMBER = Pt(22), Pt(16), Pt(14)

# Text area height / lines: (297 - 37 - 35) mm = 637.8 pt over 22 lines.
LINE_PITCH = Pt(28.95)
# In twips, as Word's document grid wants it (12,756 twips / 22 lines ≈ 579.8).
_GRID_LINE_PITCH = "579"
# 28 characters in the 156 mm (442.2 pt) text width: 15.79 pt each, so 16 pt characters are condensed
# by 0.25 pt (w:spacing is in twentieths of a point). A character grid (w:docGrid linesAndChars) would
# say the same to Word, but LibreOffice then gives each character two grid cells; condensing works in both.
_BODY_CHAR_SPACING = "-5"

STYLE_TITLE = "公文标题"
STYLE_BODY = "公文正文"
STYLE_H1 = "公文一级标题"
STYLE_H2 = "公文二级标题"
STYLE_H3 = "公文三级标题"
STYLE_PLAIN = "公文无缩进"  # body without the first-line indent (addressee, signature, notes)
STYLE_PAGE_NUMBER = "公文页码"

BODY_KINDS = {
    "title": STYLE_TITLE,
    "body": STYLE_BODY,
    "h1": STYLE_H1,
    "h2": STYLE_H2,
    "h3": STYLE_H3,
    "plain": STYLE_PLAIN,
}


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """One paragraph: `kind` is a key of BODY_KINDS; `text` or `runs` (for a bold lead-in); `align`
    "right" for signatures and dates."""

    kind: str
    text: str = ""
    runs: tuple[Run, ...] = ()
    align: str = ""

    def all_runs(self) -> tuple[Run, ...]:
        return self.runs or (Run(self.text),)


@dataclass
class DocumentSpec:
    title: str
    blocks: Sequence[Block] = field(default_factory=list)


# ---------------------------------------------------------------- numbering helpers

_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (1..99), as used in 一、 （一） 一是."""
    if not 1 <= n <= 99:
        raise ValueError("cn_numeral covers 1..99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    prefix = "" if tens == 1 else _DIGITS[tens]
    return prefix + "十" + (_DIGITS[ones] if ones else "")


def h1_prefix(n: int) -> str:
    return f"{cn_numeral(n)}、"


def h2_prefix(n: int) -> str:
    return f"（{cn_numeral(n)}）"


def ordinal_lead(n: int) -> str:
    """一是 二是 三是… (the way measures are listed in notices)."""
    return f"{cn_numeral(n)}是"


def paragraphs_of(text: str) -> list[str]:
    """Free text to paragraphs: one per non-empty line, surrounding whitespace removed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---------------------------------------------------------------- layout

_RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def _set_fonts(rpr_owner: Any, font: str, size: Pt, bold: bool = False, spacing: str | None = None) -> None:
    """Set Latin and East Asian fonts (python-docx only sets the Latin ones by name), size, weight and
    optionally the character spacing."""
    rpr_owner.font.name = font
    rpr_owner.font.size = size
    rpr_owner.font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    if spacing is not None:
        existing = rpr.find(qn("w:spacing"))
        if existing is not None:
            rpr.remove(existing)
        el = OxmlElement("w:spacing")
        el.set(qn("w:val"), spacing)
        rpr.insert_element_before(el, *_RPR_AFTER_SPACING)


def _paragraph_style(
    doc: Any,
    name: str,
    font: str,
    size: Pt,
    *,
    bold: bool = False,
    indent: bool = True,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
) -> Any:
    styles = doc.styles
    style = (
        styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.base_style = None
    style.quick_style = True
    _set_fonts(style, font, size, bold, spacing=_BODY_CHAR_SPACING if size == SIZE_BODY else None)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    fmt.widow_control = False
    return style


def _add_page_number(paragraph: Any) -> None:
    """— PAGE — with a PAGE field in the middle."""

    def text_run(text: str) -> None:
        run = paragraph.add_run(text)
        _set_fonts(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)

    text_run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _set_fonts(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif instr == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = instr
            run._r.append(code)
        else:
            run.text = instr or ""
    text_run(" —")


def apply_layout(doc: Any) -> Any:
    """Page setup, styles and page-number footers of GB/T 9704 on a python-docx Document."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)  # the page number sits about 7 mm below the text area
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), _GRID_LINE_PITCH)
    if qn("w:charSpace") in grid.attrib:
        del grid.attrib[qn("w:charSpace")]

    normal = doc.styles["Normal"]
    _set_fonts(normal, FONT_BODY, SIZE_BODY, spacing=_BODY_CHAR_SPACING)
    _paragraph_style(doc, STYLE_BODY, FONT_BODY, SIZE_BODY)
    _paragraph_style(doc, STYLE_PLAIN, FONT_BODY, SIZE_BODY, indent=False)
    _paragraph_style(doc, STYLE_TITLE, FONT_TITLE, SIZE_TITLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, STYLE_H1, FONT_H1, SIZE_BODY)
    _paragraph_style(doc, STYLE_H2, FONT_H2, SIZE_BODY)
    _paragraph_style(doc, STYLE_H3, FONT_BODY, SIZE_BODY, bold=True)
    _paragraph_style(doc, STYLE_PAGE_NUMBER, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER, indent=False)

    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer
    odd.is_linked_to_previous = False
    para = odd.paragraphs[0]
    para.style = doc.styles[STYLE_PAGE_NUMBER]
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para.paragraph_format.right_indent = SIZE_PAGE_NUMBER  # 空一字
    _add_page_number(para)
    even = section.even_page_footer
    even.is_linked_to_previous = False
    para = even.paragraphs[0]
    para.style = doc.styles[STYLE_PAGE_NUMBER]
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    para.paragraph_format.left_indent = SIZE_PAGE_NUMBER
    _add_page_number(para)
    return doc


def new_document() -> Any:
    """An empty python-docx Document in the official layout (no paragraphs)."""
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    apply_layout(doc)
    return doc


def add_block(doc: Any, block: Block) -> Any:
    paragraph = doc.add_paragraph(style=doc.styles[BODY_KINDS[block.kind]])
    if block.align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)  # 右空四字 (signature, date)
    for piece in block.all_runs():
        run = paragraph.add_run(piece.text)
        if piece.bold:
            run.bold = True
    return paragraph


def to_bytes(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def build_document(title: str, blocks: Iterable[Block]) -> bytes:
    """Title (followed by one blank line), then the blocks, as .docx bytes."""
    doc = new_document()
    for line in paragraphs_of(title) or [title]:
        add_block(doc, Block("title", line))
    add_block(doc, Block("plain", ""))
    for block in blocks:
        add_block(doc, block)
    return to_bytes(doc)


# ---------------------------------------------------------------- templates (docxtpl)


def template_path(name: str) -> Path:
    path = (TEMPLATE_DIR / name).resolve()
    if path.parent != TEMPLATE_DIR.resolve() or path.suffix != ".docx":
        raise ValueError(f"unknown document template: {name}")
    return path


def write_template(path: Path, blocks: Iterable[Block]) -> None:
    """Write a docxtpl template: each block one paragraph in its style; Jinja tags in the text
    (`{%p for ... %}` alone in a block for paragraph loops) are kept verbatim, one tag per run."""
    doc = new_document()
    for block in blocks:
        add_block(doc, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_bytes(doc))


def render_template(name: str, context: dict[str, Any], source: bytes | None = None) -> bytes:
    """Fill the template `name` (in doc_templates/) or the template bytes `source` (an organization's
    own edited copy). Values are XML-escaped; a value with line breaks should be given as a list of
    paragraphs instead."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    tpl = DocxTemplate(io.BytesIO(source) if source is not None else str(template_path(name)))
    # Sandboxed: a template edited (and one day uploaded) by an organization cannot reach Python objects.
    tpl.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- reading back, PDF


def read_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph: for tests and text previews."""
    doc = Document(io.BytesIO(data))
    return [(p.style.name if p.style is not None else "", p.text) for p in doc.paragraphs]


class ConversionError(RuntimeError):
    pass


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, timeout: int = 180) -> bytes:
    """Convert .docx bytes to PDF with LibreOffice in a private profile and temp directory."""
    binary = soffice_binary()
    if binary is None:
        raise ConversionError("未安装LibreOffice（soffice），无法生成PDF")
    with tempfile.TemporaryDirectory(prefix="dangjian-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        env = {**os.environ, "HOME": tmp}
        cmd = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ConversionError("PDF转换失败") from exc
        out = Path(tmp) / "document.pdf"
        if not out.exists():
            raise ConversionError("PDF转换失败：未生成文件")
        return out.read_bytes()
