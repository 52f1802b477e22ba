"""installer/icu_data.py: the smaller ICU data library answers everything Qt asks ICU exactly as the full one does.

Qt Core is the only ICU user in the bundle (collation, time-zone names, converters, case mapping). A child Python
runs the same Qt calls once with PySide6's own libicudata and once with the rebuilt one put first on the library
path; the answers must be identical, and the child must really have mapped the library it was given.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _icu_module():
    spec = importlib.util.spec_from_file_location("station_icu_data", ROOT / "installer" / "icu_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_keeps_root_chinese_english_and_the_services_qt_uses():
    icu = _icu_module()
    for item in ("root.res", "zh.res", "zh_Hans_CN.res", "en.res", "pool.res", "res_index.res", "coll/zh.res",
                 "coll/root.res", "coll/ucadata.icu", "zone/zh.res", "zone/tzdbNames.res", "region/zh.res",
                 "zoneinfo64.res", "timezoneTypes.res", "metaZones.res", "likelySubtags.res", "cnvalias.icu",
                 "gb18030.cnv", "windows-936-2000.cnv", "ibm-1386_P100-2001.cnv"):
        assert icu.keep(item), item
    for item in ("fr.res", "de__PHONEBOOK.res", "coll/ja.res", "zone/fr.res", "brkitr/cjdict.dict",
                 "brkitr/root.res", "translit/root.res", "rbnf/zh.res", "curr/zh.res", "unit/zh.res",
                 "euc-jp-2007.cnv", "ibm-943_P15A-2003.cnv", "unames.icu", "rfc3491.spp", "zh_Hant_TW.res",
                 "zh_Hant.res"):
        assert not icu.keep(item), item


PROBE = r"""
import functools, json
from PySide6.QtCore import QByteArray, QCollator, QDateTime, QLocale, QStringDecoder, QStringEncoder, QTimeZone

names = ["张三", "李四", "王五", "赵六", "陈七", "阿毛", "周八", "吴九", "郑十", "欧阳娜娜", "长安", "重庆",
         "Zoe", "alice", "Bob", "Émile", "file10", "file2", "台账", "调解"]
out = {}
for loc in ("zh_CN", "en_US", "C"):
    c = QCollator(QLocale(loc))
    out["sort " + loc] = sorted(names, key=functools.cmp_to_key(c.compare))
    c.setNumericMode(True)
    c.setCaseSensitivity(c.caseSensitivity().CaseInsensitive)
    out["numeric " + loc] = sorted(names, key=functools.cmp_to_key(c.compare))
now = QDateTime.fromString("2026-01-15T10:00:00Z", "yyyy-MM-ddTHH:mm:ssZ")
for zone in (b"Asia/Shanghai", b"Asia/Urumqi", b"America/New_York", b"UTC"):
    tz = QTimeZone(zone)
    for loc in ("zh_CN", "en_US"):
        for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName):
            out[f"tz {zone.decode()} {loc} {kind.name}"] = tz.displayName(
                QTimeZone.TimeType.StandardTime, kind, QLocale(loc))
    out[f"tz {zone.decode()} offset"] = tz.offsetFromUtc(now)
out["tz count"] = len(QTimeZone.availableTimeZoneIds())
# PySide6 exposes named converters only as far as opening them (no encode/decode); that is what ICU is asked.
for codec in ("GB18030", "GBK", "GB2312", "CP936", "UTF-8", "ISO-8859-1", "Shift_JIS"):
    enc, dec = QStringEncoder(codec), QStringDecoder(codec)
    out["codec " + codec] = [enc.isValid(), enc.name(), dec.isValid(), dec.name()]
out["codecs"] = QStringEncoder.availableCodecs()
for loc in ("zh_CN", "en_US", "tr_TR"):
    out["upper " + loc] = QLocale(loc).toUpper("straße istanbul ǆ")
    out["lower " + loc] = QLocale(loc).toLower("İSTANBUL ΣΑΣ")
maps = open("/proc/self/maps").read()
out["libicudata"] = sorted({line.split()[-1] for line in maps.splitlines() if "libicudata" in line})
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(lib_dir: Path | None) -> dict:
    env = dict(os.environ)
    if lib_dir is not None:
        # LD_LIBRARY_PATH is searched before Qt's RUNPATH ($ORIGIN), so the rebuilt library replaces PySide6's.
        env["LD_LIBRARY_PATH"] = str(lib_dir)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not all(shutil.which(t) for t in
                    ("icupkg", "genccode", "ld", "strip")) or importlib.util.find_spec("elftools") is None,
                    reason="needs Linux, apt icu-devtools and binutils, pip pyelftools")
def test_small_icu_data_gives_qt_the_same_answers(tmp_path):
    import PySide6

    icu = _icu_module()
    full = icu.find_library(Path(PySide6.__file__).parent / "Qt" / "lib")
    small = tmp_path / full.name
    shutil.copyfile(full, small)
    old, new = icu.shrink(small)
    assert new < old / 5
    assert not icu.executable_stack(full) and not icu.executable_stack(small)

    with_full, with_small = _probe(None), _probe(tmp_path)
    assert with_full.pop("libicudata") == [str(full.resolve())]
    assert with_small.pop("libicudata") == [str(small)]
    # Converters other than the Chinese ones are gone on purpose (nothing in the app opens one by name).
    codecs_full, codecs_small = with_full.pop("codecs"), with_small.pop("codecs")
    assert {"GB18030", "GBK", "GB2312", "UTF-8"} <= set(codecs_small) < set(codecs_full)
    assert with_small.pop("codec Shift_JIS")[0] is False and with_full.pop("codec Shift_JIS")[0] is True
    assert with_small == with_full
    # And the answers are the real ones, not a fallback both sides share.
    # Pinyin order (a, chen, chong, diao, li, ...; 长 reads zhǎng here), not code-point order.
    assert with_small["sort zh_CN"][:5] == ["阿毛", "陈七", "重庆", "调解", "李四"]
    assert with_small["sort zh_CN"] != with_small["sort en_US"]
    assert with_small["tz Asia/Shanghai zh_CN LongName"] == "中国标准时间"
    assert all(with_small[f"codec {c}"][0] for c in ("GB18030", "GBK", "GB2312", "CP936"))
