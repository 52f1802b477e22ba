"""What every page has: the application object, the op runner, a title, a refresh after changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from station_app.ui.ops import OpRunner


class Page(QWidget):
    #: stable key: navigation, screenshots (gui-<key>-<lang>.png), tests
    key = "page"
    #: tables this page shows; a change set naming one of them refreshes the page
    tables: frozenset[str] = frozenset()

    def __init__(self, app: Any, runner: OpRunner, parent=None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.layout_ = QVBoxLayout(self)
        self.heading = QLabel(self.title())
        self.heading.setObjectName("pageHeading")
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.heading.setFont(f)
        self.layout_.addWidget(self.heading)

    @classmethod
    def title(cls) -> str:
        raise NotImplementedError

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return True

    def refresh(self) -> None:
        """Re-read what the page shows."""

    def changed(self, tables: set[str]) -> None:
        if not self.tables or self.tables & tables:
            self.refresh()

    def notify(self, tables: set[str]) -> None:
        """After a write: the main window refreshes every page that shows one of `tables`."""
        window = self.window()
        if hasattr(window, "changed"):
            window.changed(set(tables))
        else:
            self.changed(set(tables))

    def new_record(self) -> None:
        """Ctrl+N on this page."""

    def focus_search(self) -> None:
        """Ctrl+F on this page."""

    def has_unsaved(self) -> bool:
        """A form opened from this page is showing typed values that are not saved."""
        from station_app.ui.dialogs.form_dialog import FormDialog

        return any(d.isVisible() and not d.saved and d.dirty() for d in self.findChildren(FormDialog))
