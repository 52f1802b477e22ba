"""A Report (reports/model.py) as PDF: the shared page frame of documents/pdf.py, platypus tables, ReportLab charts.

Every figure table prints its definition (口径) under it, and the head prints the cut-off date, so a page copied on
its own still says what its numbers mean. Charts are reportlab.graphics charts; their labels use the embedded fonts
(a label with Chinese uses the Chinese font with ASCII turned into full-width forms, which that font has).
"""

from __future__ import annotations

import re
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from station_app.core.i18n import _, language
from station_app.documents import pdf
from station_app.reports.model import Chart, Report, ReportTable, Section

NUM = pdf._style("report_num", 10, 14, alignment=TA_RIGHT)
CELL = pdf._style("report_cell", 10, 14)
HEAD = pdf._style("report_head", 10, 14, alignment=1)
NUM_SMALL = pdf._style("report_num_small", 7.5, 10, alignment=TA_RIGHT)
CELL_SMALL = pdf._style("report_cell_small", 7.5, 10)
NOTE = pdf._style("report_note", 8.5, 12, textColor=colors.Color(0.3, 0.3, 0.3))
PASTE = pdf._style("report_paste", 11, 19, firstLineIndent=22, backColor=colors.Color(0.96, 0.96, 0.93),
                   borderPadding=6, spaceBefore=4, spaceAfter=8)
_NUMBER = re.compile(r"-?[\d,]+(\.\d+)?%?|—")
BLUE = colors.Color(0.27, 0.45, 0.7)


def chart_label(value: str) -> tuple[str, str]:
    """(font, text) for a chart string: one font per string, so mixed labels get full-width ASCII."""
    if all(ord(ch) < 128 for ch in value):
        return pdf.LATIN, value
    out = "".join(chr(ord(ch) + 0xFEE0) if 33 <= ord(ch) <= 126 else ch for ch in value)
    return pdf.FONT, out


def _cell(value, numeric: bool, compact: bool = False) -> Paragraph:
    # The Chinese font has no bold face: a total row is shaded instead.
    style = (NUM_SMALL if numeric else CELL_SMALL) if compact else (NUM if numeric else CELL)
    return Paragraph(pdf.mixed("" if value is None else str(value)), style)


def _numeric(value) -> bool:
    """Numbers and number-like text (a rate "98.0%", an amount "1127600.00") line up on the right."""
    return isinstance(value, (int, float)) or bool(_NUMBER.fullmatch(str(value)))


def table_flowable(t: ReportTable, as_of: date | None = None) -> list:
    widths = t.widths or [1] * len(t.header)
    scale = pdf.BODY_W / sum(widths)
    compact = len(t.header) > 8  # a month grid: twelve narrow number columns
    numeric = [bool(t.rows) and all(isinstance(r[i], (int, float)) for r in t.rows) for i in range(len(t.header))]
    data = [[Paragraph(pdf.mixed(h), HEAD) for h in t.header]]
    for row in t.rows:
        data.append([_cell(v, numeric[i] or _numeric(v), compact) for i, v in enumerate(row)])
    if not t.rows:
        data.append([Paragraph(_("(none)"), CELL)] + [""] * (len(t.header) - 1))
    if t.total is not None:
        data.append([_cell(v, isinstance(v, (int, float)), compact) for v in t.total])
    style = [("FONTNAME", (0, 0), (-1, -1), pdf.FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.95)),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if not t.rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    if compact:
        style += [("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5)]
    if t.total is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.95)))
    grid = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    grid.setStyle(TableStyle(style))
    title = Paragraph(pdf.mixed(t.title), pdf.HEADING)
    cut = _("; cut-off date: {isoformat}", isoformat=as_of.isoformat()) if as_of else ""
    note = Paragraph(pdf.mixed(_("Definition: ") + t.definition + cut), NOTE)
    if len(t.rows) <= 25:
        return [KeepTogether([title, grid, note]), pdf.Spacer(1, 2 * pdf.mm)]
    return [title, grid, note, pdf.Spacer(1, 2 * pdf.mm)]


def chart_drawing(ch: Chart) -> Drawing:
    """A bar chart (ReportLab's own charts), values labelled, one bar per label."""
    n = max(len(ch.values), 1)
    horizontal = ch.kind == "hbar"
    width = pdf.BODY_W
    height = (26 + 15 * n) if horizontal else 190
    d = Drawing(width, height + 22, initialFontName=pdf.LATIN)  # else the page names an unembedded Helvetica
    font, title = chart_label(ch.title)
    d.add(String(width / 2, height + 8, title, fontName=font, fontSize=10.5, textAnchor="middle"))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    if horizontal:
        chart.x, chart.y, chart.width, chart.height = 110, 10, width - 150, height - 20
    else:
        chart.x, chart.y, chart.width, chart.height = 35, 40, width - 50, height - 50
    chart.data = [list(ch.values) or [0]]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    labels = list(ch.labels) or [""]
    fonts = {chart_label(x)[0] for x in labels}
    chart.categoryAxis.categoryNames = [chart_label(x)[1] for x in labels]
    chart.categoryAxis.labels.fontName = fonts.pop() if len(fonts) == 1 else pdf.FONT
    chart.categoryAxis.labels.fontSize = 8
    if horizontal:
        chart.categoryAxis.reverseDirection = 1  # first label at the top, as in the table
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
    else:
        chart.categoryAxis.labels.angle = 60 if n > 12 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if n > 12 else "n"
        chart.categoryAxis.labels.dy = -2
    top = max(ch.values or [0])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, top * 1.15)
    chart.valueAxis.labels.fontName = pdf.LATIN
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.barLabelFormat = "%d" if all(float(v).is_integer() for v in ch.values) else "%.1f"
    chart.barLabels.fontName = pdf.LATIN
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 7
    d.add(chart)
    return d


def section_flowables(sec: Section, as_of: date | None = None) -> list:
    out: list = []
    if sec.page_break_before:
        out.append(pdf.PageBreak())
    if sec.letter is not None:
        return out + letter_flowables(sec.letter, as_of)
    out.append(Paragraph(pdf.mixed(sec.heading), pdf._style("report_h1", 14, 22, spaceBefore=6, spaceAfter=4)))
    for text in sec.paragraphs:
        out.append(Paragraph(pdf.mixed(text), PASTE))
    for t in sec.tables:
        out += table_flowable(t, as_of)
    for ch in sec.charts:
        out.append(KeepTogether([chart_drawing(ch), pdf.Spacer(1, 3 * pdf.mm)]))
    return out


def letter_flowables(letter: dict, as_of: date | None = None) -> list:
    """A 督办通知: title, number, addressee, body, the list it is about, signer and date, seal place."""
    out = pdf.doc_head(letter["body"], letter["title"], letter.get("number"))
    out.append(Paragraph(pdf.mixed(letter["to"]), pdf.BODY))
    for text in letter["paragraphs"]:
        out.append(Paragraph(pdf.mixed(text), pdf.LETTER))
    if letter.get("table") is not None:
        out += table_flowable(letter["table"], as_of)
    out.append(pdf.SealPlace(letter["body"]))
    return out


def render_report(report: Report, printed_on: date | None = None) -> bytes:
    frame = pdf.Frame(body=report.body, printed_on=printed_on or date.today(), title=report.title,
                      number=report.number, lang=language())
    story = pdf.doc_head(report.body, report.title, None)
    story.append(Paragraph(pdf.mixed(_("Period: {period}. Cut-off date: {isoformat} (records that existed on that day; overdue judged on it)", period=report.period, isoformat=report.as_of.isoformat())), pdf.SMALL))
    story.append(pdf.Spacer(1, 3 * pdf.mm))
    for sec in report.sections:
        story += section_flowables(sec, report.as_of)
    return pdf.render(story, frame)
