"""Table columns fit their first rows (ui/pages/common.fit_columns_to_first_rows): the English labels are longer
than the Chinese the default widths were chosen for, and a cell must not be cut off where it fits."""

from __future__ import annotations

from datetime import datetime

from station_app.core.i18n import set_language


def test_english_labels_fit_their_columns_and_widths_set_by_hand_stay(window, open_app, qtbot):
    app = open_app()
    app.consultations.record({"occurred_at": datetime.now().replace(second=0, microsecond=0).isoformat(),
                              "channel": "普法活动现场", "category": "劳动报酬/劳动争议", "summary": "没签劳动合同能否要求双倍工资",
                              "consultant_name": "王五", "referral": "人民调解"})
    set_language("en")
    try:
        w = window()
        page = w.show_page("consultations")
        view, model = page.view, page.model
        qtbot.waitUntil(lambda: model.rowCount() > 0)
        header = view.horizontalHeader()
        stretch = [i for i in range(model.columnCount()) if header.sectionResizeMode(i) == header.ResizeMode.Stretch]
        for i in range(model.columnCount()):
            if i in stretch:
                continue
            assert header.sectionSize(i) >= min(view.sizeHintForColumn(i), view.fontMetrics().horizontalAdvance("国") * 16), \
                model.headerData(i, header.orientation())
        channel = next(i for i, c in enumerate(model.columns) if c.key == "channel")
        header.resizeSection(channel, 40)  # a person narrows it
        model.set_filters()  # reloads the rows
        qtbot.wait(50)
        assert header.sectionSize(channel) == 40
    finally:
        set_language(None)
