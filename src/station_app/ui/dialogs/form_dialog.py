"""A record form in a dialog: Enter saves, Esc cancels, problems marked at their fields, the draft kept on disk,
and closing a form with typed, unsaved values asks first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from station_app.core.errors import StationError
from station_app.core.i18n import _
from station_app.ui.ops import OpRunner
from station_app.ui.widgets.form import Drafts, Field, FormWidget, debounced


class FormDialog(QDialog):
    def __init__(self, title: str, fields: list[Field], labels: dict[str, str], submit: Callable[[dict[str, Any]], Any],
                 runner: OpRunner, *, draft_root: Path | None = None, draft_key: str | None = None,
                 on_saved: Callable[[Any], None] | None = None, parent=None, extra: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("formDialog")
        self.runner, self.submit, self.on_saved = runner, submit, on_saved
        self.result_value: Any = None
        self.saved = False
        self.form = FormWidget(fields, labels)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        if extra is not None:
            layout.addWidget(extra)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, min(760, 140 + 46 * len(fields)))
        self.drafts = Drafts(draft_root) if draft_root and draft_key else None
        self.draft_key = draft_key
        self.initial = self.form.values()
        if self.drafts is not None:
            draft = self.drafts.load(draft_key)  # type: ignore[arg-type]
            if draft:
                self.form.set_values(draft)
            self._draft_timer = debounced(self, 300, self.keep_draft)
            self.form.changed.connect(self._draft_timer.start)

    def keep_draft(self) -> None:
        if self.drafts is not None and self.dirty():
            self.drafts.save(self.draft_key, self.form.values())  # type: ignore[arg-type]

    def dirty(self) -> bool:
        return self.form.values() != self.initial

    def save(self) -> None:
        values = self.form.values()
        self.form.clear_problems()

        def done(result: Any) -> None:
            self.saved = True
            self.result_value = result
            if self.drafts is not None:
                self.drafts.discard(self.draft_key)  # type: ignore[arg-type]
            if self.on_saved is not None:
                self.on_saved(result)
            self.accept()

        def failed(error: BaseException) -> bool:
            if isinstance(error, StationError):
                return self.form.show_problems(error)
            return False

        self.runner.run(lambda _p, _c: self.submit(values), done, title=_("Saving…"),
                        parent=self, on_error=failed)

    def reject(self) -> None:
        if not self.saved and self.dirty():
            answer = QMessageBox.question(self, _("Discard changes?"),
                                          _("The form is not saved. Close it? (The draft is kept for next time.)"))
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.keep_draft()
        super().reject()
