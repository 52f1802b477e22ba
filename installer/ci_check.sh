#!/usr/bin/env bash
# Build the one-folder app and the .deb, install the package, run the installed app with no Python environment on
# PATH (self-test and the demo), purge the package, and check the user's data folder survived.
# Called by .ci/run; runs as root on a Debian machine. Prints the installed size and start-up figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT="${OUT:-$(mktemp -d)}"
T="$(mktemp -d)"
# Build tools: PyInstaller; binutils (readelf, strip, ld) and ICU's icupkg/genccode with pyelftools to rebuild Qt's
# ICU data library with only the data the app uses (installer/icu_data.py).
missing=""
for d in binutils icu-devtools; do
    dpkg -s "$d" >/dev/null 2>&1 || missing="$missing $d"
done
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
fi
.venv/bin/pip install --quiet pyinstaller pyelftools
# The rebuilt ICU data must give Qt the same answers as PySide6's own (skipped in the main test run without the tools).
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider tests/installer/test_icu_data.py
.venv/bin/python installer/build.py all --out "$OUT" 2>&1 | grep -v -E "WARNING: (Library not found|Hidden import|Ignoring icon)|ctypes not found" || true
DEB="$(ls "$OUT"/station-app_*.deb)"
[ -f "$DEB" ] || { echo "no .deb was built"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "$DEB" >/dev/null

# The installed app, as a station clerk's session would see it: no venv, no Python environment variables.
run() { env -i PATH=/usr/bin:/bin HOME="$T/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@"; }
[ "$(readlink -f /usr/bin/station-app)" = "/opt/station-app/station-app" ]
run station-app --version
run station-app init township --code T00 --name 自检镇公共法律服务中心 >/dev/null
run station-app selftest
run station-app demo --out "$T/demo" | tail -n 3
DATA="$T/home/.local/share/station_app"
[ -f "$DATA/station.sqlite3" ] || { echo "no data folder at $DATA"; exit 1; }
KIB="$(dpkg-query -W -f='${Installed-Size}' station-app)"
echo "installed size: $KIB KiB = $((KIB / 1024)) MiB = $((KIB * 1024 / 1000000)) MB (goal: under 150 MB)"

apt-get purge -y station-app >/dev/null
[ ! -e /opt/station-app ] || { echo "/opt/station-app is still there after purge"; exit 1; }
python3 - "$DATA/station.sqlite3" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
assert con.execute("SELECT count(*) FROM stations").fetchone()[0] == 1
print("data folder intact after purge:", sys.argv[1])
PY
rm -rf "$T"
