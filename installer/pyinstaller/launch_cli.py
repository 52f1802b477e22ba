"""Frozen entry point of `station-app` (console)."""
import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
