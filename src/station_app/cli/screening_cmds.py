"""`screening`: the 矛盾纠纷排查 register (filled in by the screening step)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    pass
