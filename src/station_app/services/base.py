"""Compatibility: the open installation and its unit of work now live in `store.stationdb` (the store owns the
database object). Services and other branches keep importing them from here."""

from station_app.store.stationdb import Change, ChangeSet, StationDB, Writer, checkpoint

__all__ = ["Change", "ChangeSet", "StationDB", "Writer", "checkpoint"]
