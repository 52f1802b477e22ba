"""station_app: offline-first records for village public legal service stations."""

#: The one place the version lives: pyproject.toml, `--version`, the GUI's about box, bundle headers and the
#: installers all read it from here.
__version__ = "0.3.0"
