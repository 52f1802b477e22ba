"""station_app: offline-first records for village public legal service stations."""

__version__ = "0.1.0"
