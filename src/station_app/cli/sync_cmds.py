"""Commands of this area (placeholder until its issue part is built)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
