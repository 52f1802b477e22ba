"""Township IT opens a bundle with nothing but Debian's `minisign` and `age` (docs/bundle-format.md, exactly)."""

from __future__ import annotations

import json
import subprocess
import tarfile

from station_app.sync import exporter
from tests.sync.transport import consult, make_pair


def run(cmd: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", cmd], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_minisign_verifies_and_age_decrypts_a_bundle_the_app_wrote(make_station, tmp_path):
    station, township = make_pair(make_station)
    cid = consult(station, "土地承包合同到期")
    path = exporter.export_bundle(station, tmp_path / "usb")
    work = tmp_path / "it"
    work.mkdir()
    card = json.loads((station.paths.keys / "card.json").read_text())
    b = str(path)
    r = run(f"head -n 4 '{b}' > bundle.age.minisig && tail -n +5 '{b}' > bundle.age", work)
    assert r.returncode == 0, r.stderr
    # With the key from the station's card (-P) ...
    r = run(f"minisign -Vm bundle.age -P '{card['minisign_public_key']}'", work)
    assert r.returncode == 0, r.stderr
    assert "Signature and comment signature verified" in r.stdout
    assert "code=S01 number=1" in r.stdout and f"key={card['key_id']}" in r.stdout
    # ... and with the station's .pub file (-p).
    r = run(f"minisign -Vm bundle.age -p '{station.paths.keys / 'minisign.pub'}'", work)
    assert r.returncode == 0, r.stderr
    r = run(f"age -d -i '{township.paths.keys / 'age.key'}' -o payload.tar.gz bundle.age && "
            "mkdir payload && tar -xzf payload.tar.gz -C payload", work)
    assert r.returncode == 0, r.stderr
    # Payload format 2: JSON Lines, a line of column names, then one array per row.
    lines = (work / "payload" / "tables" / "consultations.jsonl").read_text(encoding="utf-8").splitlines()
    columns = json.loads(lines[0])
    rows = [dict(zip(columns, json.loads(line))) for line in lines[1:]]
    assert [x["id"] for x in rows] == [cid]
    with tarfile.open(work / "payload.tar.gz") as tf:
        assert tf.getnames()[:2] == ["manifest.json", "meta.json"]
    # A changed byte is caught by minisign too.
    data = bytearray((work / "bundle.age").read_bytes())
    data[len(data) // 2] ^= 1
    (work / "bundle.age").write_bytes(bytes(data))
    r = run(f"minisign -Vm bundle.age -P '{card['minisign_public_key']}'", work)
    assert r.returncode != 0
