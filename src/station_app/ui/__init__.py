"""Everything PySide6: the desktop app. Nothing outside this package imports Qt."""
