"""The page frame and building blocks shared by every printed document.

Every page carries the issuing body's formal name, the document number, 第×页 共×页 and the print date. Page totals
need the whole document laid out first, so pages are kept and drawn at save time (`_FramedCanvas`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from station_app.core.i18n import N_, translations
from station_app.resources import cjk_font_path

FONT = "StationCJK"
#: Droid Sans Fallback has no Latin letters or digits: those runs use Bitstream Vera (TrueType, shipped with
#: ReportLab), so every glyph comes from an embedded font.
LATIN = "StationLatin"
PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
BODY_W = PAGE_W - 2 * MARGIN
#: What a document prints where a field was never recorded (e.g. records made before the field existed).
EMPTY = "（未记录）"

_registered = False
_cjk_chars: set[int] = set()


def register_font() -> None:
    global _registered
    if not _registered:
        # TrueType-outline fonts: ReportLab embeds a subset of each (CFF/OTF fonts cannot be embedded).
        cjk = TTFont(FONT, str(cjk_font_path()))
        pdfmetrics.registerFont(cjk)
        pdfmetrics.registerFont(TTFont(LATIN, "Vera.ttf"))
        _cjk_chars.update(cjk.face.charToGlyph)
        _registered = True


def runs(value: str) -> list[tuple[str, str]]:
    """Split text into (font, run): characters the Chinese font lacks (digits, Latin letters) go to LATIN."""
    out: list[tuple[str, str]] = []
    for ch in value:
        font = FONT if ord(ch) in _cjk_chars or ch == "\n" else LATIN
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def mixed(value: str) -> str:
    """Paragraph markup for plain text, with Latin runs in the Latin font and line breaks kept."""
    parts = []
    for font, run in runs(str(value)):
        t = escape(run).replace("\n", "<br/>")
        parts.append(t if font == FONT else f'<font name="{LATIN}">{t}</font>')
    return "".join(parts)


def draw(c, x: float, y: float, value: str, size: float, align: str = "left") -> None:
    """canvas.drawString with the same font fallback."""
    pieces = runs(value)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in pieces)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    for font, run in pieces:
        c.setFont(font, size)
        c.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)


register_font()  # paragraphs resolve their font when they are made


def _style(name: str, size: float, leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT, bulletFontName=FONT, fontSize=size, leading=leading or size * 1.5,
                          wordWrap="CJK", **kw)


BODY = _style("body", 11)
LETTER = _style("letter", 11, firstLineIndent=22)  # a notice's paragraphs, indented two characters
SMALL = _style("small", 9)
CELL = _style("cell", 10.5, 15)
LABEL = _style("label", 10.5, 15, alignment=TA_CENTER)
TITLE = _style("title", 20, 28, alignment=TA_CENTER, spaceAfter=2 * mm)
BODY_NAME = _style("body_name", 14, 20, alignment=TA_CENTER)
NUMBER = _style("number", 11, alignment=TA_RIGHT)
HEADING = _style("heading", 12.5, 20, spaceBefore=3 * mm, spaceAfter=1 * mm, keepWithNext=1)  # never alone at a page foot


def text(value) -> str:
    """Paragraph markup for a value; empty values print as 未记录, line breaks are kept."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return EMPTY
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return mixed(str(value))


def para(value, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(text(value), style)


def markup(raw: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph whose markup the caller built (values escaped with `text`)."""
    return Paragraph(raw, style)


def fields(rows: list[tuple[str, object]], label_w: float = 32 * mm, pairs: bool = False) -> Table:
    """A ruled form: label | value rows (or label | value | label | value with `pairs`)."""
    data = []
    if pairs:
        w = (BODY_W - 2 * label_w) / 2
        widths = [label_w, w, label_w, w]
        for i in range(0, len(rows), 2):
            chunk = rows[i:i + 2] + ([("", "")] if len(rows[i:i + 2]) == 1 else [])
            data.append([Paragraph(mixed(chunk[0][0]), LABEL), _cell(chunk[0][1]),
                         Paragraph(mixed(chunk[1][0]), LABEL), _cell(chunk[1][1]) if chunk[1][0] else ""])
    else:
        widths = [label_w, BODY_W - label_w]
        data = [[Paragraph(mixed(k), LABEL), _cell(v)] for k, v in rows]
    t = Table(data, colWidths=widths)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95)),
                           *([("BACKGROUND", (2, 0), (2, -1), colors.Color(0.95, 0.95, 0.95))] if pairs else []),
                           ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return t


def _cell(value):
    return value if isinstance(value, Flowable) else Paragraph(text(value), CELL)


def grid(header: list[str], rows: list[list[object]], widths: list[float]) -> Table:
    """A ruled list with a header row (obligations, the case file index)."""
    data = [[Paragraph(mixed(h), LABEL) for h in header]]
    data += [[_cell(c) if c != "" else "" for c in row] for row in rows]
    empty = not rows
    if empty:
        data.append([Paragraph(EMPTY, CELL)] + [""] * (len(header) - 1))
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([*([("SPAN", (0, 1), (-1, 1))] if empty else []),("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return t


def signatures(who: list[str], *, fingerprint: bool = True, dated: bool = True) -> Table:
    """One line per signer: 「甲（签名）：________ 按指印 □ ____年__月__日」."""
    rows = []
    for label in who:
        row = [Paragraph(mixed(label), CELL), Paragraph("签名：", SMALL)]
        row.append(_FingerBox() if fingerprint else "")
        row.append(Paragraph("&nbsp;&nbsp;&nbsp;&nbsp;年&nbsp;&nbsp;&nbsp;&nbsp;月&nbsp;&nbsp;&nbsp;&nbsp;日"
                             if dated else "", CELL))
        rows.append(row)
    t = Table(rows, colWidths=[58 * mm, 52 * mm, 22 * mm, BODY_W - 132 * mm], rowHeights=[19 * mm] * len(rows))
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                           ("ALIGN", (2, 0), (2, -1), "CENTER")]))
    return KeepTogether(t)


class _FingerBox(Flowable):
    """A small box marked 按指印 where the signer presses a fingerprint."""

    def wrap(self, aw, ah):
        return 16 * mm, 16 * mm

    def draw(self):
        c = self.canv
        c.setLineWidth(0.5)
        c.setDash(2, 2)
        c.rect(0, 0, 16 * mm, 16 * mm)
        c.setDash()
        c.setFillColor(colors.grey)
        draw(c, 8 * mm, 6.5 * mm, "按指印", 7, "centre")
        c.setFillColor(colors.black)


class SealPlace(Flowable):
    """Where the committee stamps its seal: the body's name and the date, with a dashed circle behind them."""

    def __init__(self, body: str, label: str = "（盖章）"):
        super().__init__()
        self.body, self.label = body, label

    def wrap(self, aw, ah):
        self.width = aw
        return aw, 42 * mm

    def draw(self):
        c = self.canv
        x = self.width - 45 * mm
        c.setLineWidth(0.5)
        c.setStrokeColor(colors.grey)
        c.setDash(3, 3)
        c.circle(x, 21 * mm, 20 * mm)
        c.setDash()
        c.setStrokeColor(colors.black)
        c.setFillColor(colors.grey)
        draw(c, x, 34 * mm, "印章位置", 8, "centre")
        c.setFillColor(colors.black)
        draw(c, x, 22 * mm, self.body + self.label, 11, "centre")
        draw(c, x, 12 * mm, "年        月        日", 11, "centre")


class PageMark(Flowable):
    """Zero-size: from this point on, pages print this document number; records the page it lands on."""

    def __init__(self, number: str, key: str | None = None, pages: dict | None = None):
        super().__init__()
        self.number, self.key, self.pages = number, key, pages

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.canv._doc_number = self.number
        if self.key is not None and self.pages is not None:
            self.pages.setdefault(self.key, self.canv.getPageNumber())


@dataclass
class Frame:
    """What every page of one PDF prints around its content."""

    body: str  # issuing body's formal name (header)
    printed_on: date
    title: str  # PDF metadata title
    number: str = ""
    pages: dict = field(default_factory=dict)
    #: the language the frame speaks: statutory documents are always Chinese, reports follow the user's language
    lang: str = "zh_CN"

    def says(self, message: str, **values) -> str:
        return translations(self.lang).gettext(message).format(**values)


# The frame's words, translated in the frame's own language (not the current one).
_NUMBER = N_("No.: {number}")
_PAGE = N_("Page {page} of {total}")
_PRINTED = N_("Printed on: {date}")


def _framed_canvas(frame: Frame):
    class _FramedCanvas(canvas.Canvas):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self._pages: list[dict] = []
            self._doc_number = frame.number

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._frame(total)
                super().showPage()
            super().save()

        def _frame(self, total: int) -> None:
            self.setFillColor(colors.grey)
            self.setStrokeColor(colors.grey)
            draw(self, MARGIN, PAGE_H - 12 * mm, frame.body, 8.5)
            if self._doc_number:
                draw(self, PAGE_W - MARGIN, PAGE_H - 12 * mm, frame.says(_NUMBER, number=self._doc_number), 8.5, "right")
            self.setLineWidth(0.3)
            self.line(MARGIN, PAGE_H - 13.5 * mm, PAGE_W - MARGIN, PAGE_H - 13.5 * mm)
            self.line(MARGIN, 14 * mm, PAGE_W - MARGIN, 14 * mm)
            draw(self, PAGE_W / 2, 9 * mm, frame.says(_PAGE, page=self._pageNumber, total=total), 8.5, "centre")
            draw(self, PAGE_W - MARGIN, 9 * mm, frame.says(_PRINTED, date=frame.printed_on.isoformat()), 8.5, "right")
            self.setFillColor(colors.black)
            self.setStrokeColor(colors.black)
    return _FramedCanvas


def render(story: list, frame: Frame) -> bytes:
    """Lay `story` out on A4 inside the shared frame; the PDF's bytes."""
    register_font()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=frame.title, author=frame.body, creator="station_app",
                            initialFontName=FONT)  # else each page names an unembedded Helvetica
    doc.build(list(story), canvasmaker=_framed_canvas(frame))
    return buf.getvalue()


def doc_head(body: str, title: str, number: str | None) -> list:
    """The formal header: the issuing body, the document's title, its number."""
    out = [Paragraph(mixed(body), BODY_NAME), Paragraph(mixed(title), TITLE)]
    if number:
        out.append(Paragraph(mixed(number), NUMBER))
    out.append(Spacer(1, 3 * mm))
    return out


__all__ = ["LETTER", "BODY", "BODY_W", "CELL", "EMPTY", "Frame", "HEADING", "PageBreak", "PageMark", "SMALL", "SealPlace",
           "Spacer", "CondPageBreak", "doc_head", "fields", "grid", "markup", "para", "render", "signatures", "text",
           "mm"]
