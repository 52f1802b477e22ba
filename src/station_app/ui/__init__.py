"""Everything PySide6 (a later issue). Nothing outside this package imports Qt."""
