"""Qt Charts for the township's 总览: bar charts (vertical or horizontal) and a pie, filled from figures that are
already computed (`stats --json`); nothing here counts anything.

Every chart uses the application font (the bundled Chinese font is its first family, so labels render on a PC
without Chinese fonts), has no animation (a screenshot or a quick refresh never catches a half-drawn bar) and is
refilled in place: `fill_bars` / `fill_pie` replace the series and axes of the same QChart.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication

from station_app.core.safe_text import terminal_safe

BAR_COLOUR = "#4e79a7"
PIE_COLOURS = ("#59a14f", "#e15759", "#f28e2b", "#4e79a7", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def _font(scale: float = 1.0, bold: bool = False) -> QFont:
    f = QFont(QApplication.font())
    if scale != 1.0 and f.pointSizeF() > 0:
        f.setPointSizeF(f.pointSizeF() * scale)
    f.setBold(bold)
    return f


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setTitleFont(_font(1.1, bold=True))
    chart.legend().setFont(_font(0.9))
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    return chart


def chart_view(object_name: str, min_height: int = 260) -> QChartView:
    view = QChartView(_chart())
    view.setObjectName(object_name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(min_height)
    return view


def _fresh(view: QChartView) -> QChart:
    """A new, empty chart in the view. (Removing a chart's axes leaves their labels painted until the scene is
    rebuilt: a refill of the same chart showed the old scale under the new one.)"""
    old = view.chart()
    chart = _chart()
    view.setChart(chart)  # the view owns the new chart; the old one is ours to delete
    old.deleteLater()
    return chart


def safe_labels(labels: Sequence[str]) -> list[str]:
    """Labels from records (station names, codes outside the table) shown as text, never obeyed."""
    return [terminal_safe(x) for x in labels]


def fill_bars(view: QChartView, title: str, labels: Sequence[str], values: Sequence[float], *,
              horizontal: bool = False, series_name: str = "") -> None:
    """One series of bars, a category per label, the value printed at each bar's end."""
    chart = _fresh(view)
    chart.setTitle(title)
    bars = QBarSet(series_name or title)
    bars.setColor(QColor(BAR_COLOUR))
    bars.setLabelColor(QColor("#222222"))
    bars.setLabelFont(_font(0.85))
    labels, values = list(labels), [float(v) for v in values]
    if horizontal:  # Qt draws the first category at the bottom: the table's first row goes on top
        labels, values = labels[::-1], values[::-1]
    for v in values:
        bars.append(v)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setBarWidth(0.7)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(safe_labels(labels))
    categories.setLabelsFont(_font(0.9))
    categories.setTruncateLabels(False)  # 劳动报酬/劳动争议 in full, not "..."
    amounts = QValueAxis()
    amounts.setLabelsFont(_font(0.85))
    amounts.setLabelFormat("%g")
    top = max(values + [0.0])
    amounts.setRange(0, top * 1.15 if top > 0 else 1)  # room for the value printed past the longest bar
    amounts.applyNiceNumbers()
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(amounts)
    chart.legend().setVisible(False)


def fill_pie(view: QChartView, title: str, labels: Sequence[str], values: Sequence[float]) -> None:
    """A pie of the non-zero values; the legend names each slice with its value."""
    chart = _fresh(view)
    chart.setTitle(title)
    series = QPieSeries()
    for i, (label, value) in enumerate(zip(safe_labels(labels), values)):
        if not value:
            continue
        piece = series.append(f"{label} {value:g}", float(value))
        piece.setColor(QColor(PIE_COLOURS[i % len(PIE_COLOURS)]))
    series.setPieSize(0.75)
    chart.addSeries(series)
    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignmentFlag.AlignRight)
    legend.setFont(_font(0.9))


def bar_values(view: QChartView) -> tuple[list[str], list[float]]:
    """(categories, values) the chart shows: what tests and the screenshot check read back."""
    chart = view.chart()
    series = chart.series()
    if not series or not isinstance(series[0], QAbstractBarSeries):
        return [], []
    bars = series[0].barSets()[0]
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    labels, values = list(axis.categories()), [bars.at(i) for i in range(bars.count())]
    if isinstance(series[0], QHorizontalBarSeries):  # drawn bottom-up: read top-down, in the figures' order
        labels, values = labels[::-1], values[::-1]
    return labels, values


def pie_values(view: QChartView) -> dict[str, float]:
    series = view.chart().series()
    if not series or not isinstance(series[0], QPieSeries):
        return {}
    return {s.label(): s.value() for s in series[0].slices()}
