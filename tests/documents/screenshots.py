"""Render one page of each mediation document kind into docs/screenshots/mediation-<kind>.png (needs pdftoppm).

    .venv/bin/python -m tests.documents.screenshots
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from station_app import config
from station_app.core.codes import StationKind
from station_app.documents.mediation import KINDS, print_document
from station_app.services.setup import init_installation
from tests.documents import sample

#: The page worth looking at for each kind (the agreement's second page has the signatures and the seal).
PAGE = {"agreement": 1, "cover": 2, "file": 1}


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = init_installation(config.resolve(Path(tmp) / "S01"), kind=StationKind.VILLAGE, code="S01",
                               name="小苏庄村", actor="clerk")
        cases = {"settled": sample.settled_case(db), "failed": sample.failed_case(db),
                 "refused": sample.refused_case(db)}
        for kind in KINDS:
            case = cases["failed"] if kind == "termination" else cases["refused"] if kind == "refusal" else cases["settled"]
            pdf = Path(tmp) / f"{kind}.pdf"
            print_document(db, "clerk", case, kind, pdf, printed_on=date(2021, 7, 20))
            page = PAGE.get(kind, 1)
            stem = out_dir / f"mediation-{kind}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page),
                            str(pdf), str(stem)], check=True)
            print(stem.with_suffix(".png"))
        db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
