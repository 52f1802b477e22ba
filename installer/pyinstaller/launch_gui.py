"""Frozen entry point of `station-app-gui` (no console window on Windows): the same as `station-app gui`."""
import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
