"""`station-app fork` goes through the application's fork area (app.forks), so its roles hold on the command line
as in the GUI: everyone who may see the stations sees forks; deciding one is for those who import bundles."""

from __future__ import annotations

import json

from station_app.cli import main
from tests.ui.township_world import build, open_app


def test_fork_decisions_need_the_import_permission(tmp_path, capsys):
    world = build(tmp_path / "w")
    with open_app(world, "T00") as township:
        township.bundles.import_paths([world / "stick", world / "later", world / "clone"])
    t00 = str(world / "T00")
    assert main(["--data-dir", t00, "--user", "adv", "fork", "list", "--json"]) == 0
    [fork] = json.loads(capsys.readouterr().out)
    code = main(["--data-dir", t00, "--user", "adv", "fork", "resolve", str(fork["id"]), "--keep", "held",
                 "--reason", "试试"])
    assert code == 2 and "导入同步包" in capsys.readouterr().err  # the permission, named in words
    assert main(["--data-dir", t00, "--user", "staff", "fork", "resolve", str(fork["id"]), "--keep", "held",
                 "--reason", "复制的电脑没人用", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["resolved_by"] == "staff"
