"""Rebuild Qt's ICU data library with only the data the app can reach: `python installer/icu_data.py APP_FOLDER`.

PySide6 ships ICU with Qt; its data library (libicudata.so.<ver>, about 31 MiB) holds every locale, converter, break
dictionary and transliterator ICU has. Only Qt Core calls ICU, and only four of its services (checked with
`nm -D --undefined-only libQt6Core.so.6`; no other Qt or PySide library links ICU):

- collation (ucol_*: QCollator, locale-aware sorting in Qt's models and file dialogs) -> coll/ for root, zh, en;
- case mapping (u_strToUpper/Lower: QLocale::toUpper) -> no data item (ICU compiles case properties into libicuuc);
- time zones (ucal_*: QTimeZone's IDs and display names) -> zoneinfo64, timezoneTypes, metaZones, windowsZones and
  zone/, region/, lang/ names for root, zh, en;
- converters (ucnv_*: QStringConverter for encodings Qt does not build in) -> the alias table and the Chinese ones
  (GB18030, GBK/windows-936, GB2312); UTF-8/16/32, Latin-1 and ASCII need no data.

Everything else goes: other languages' locale data, break iterators and their dictionaries (Qt segments text
itself), transliteration, rule-based number formats, currency and unit names, StringPrep/IDNA profiles, character
names, confusables and the non-Chinese converters. The kept items are the original ICU items, byte for byte.

How (all from registries: apt `icu-devtools`, `binutils`; pip `pyelftools`):
1. read the data package out of the library: the bytes of its one symbol, icudt<ver>_dat (pyelftools);
2. `icupkg -r` removes the items not kept, writing a smaller icudt<ver>l.dat;
3. `genccode -o` turns the package into an object file exporting icudt<ver>_dat (same symbol as before);
4. `ld -shared -soname libicudata.so.<ver>` links the new library, which replaces the old one in the app folder.
The original is never changed in the virtualenv: only the copy in the build output.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Locales whose data is kept: the app's two languages and the root they inherit from. en_US_POSIX is what "C" and
# "POSIX" locales map to; zh_CN is an alias of zh_Hans_CN.
KEEP_LOCALES = {"root", "en", "en_US", "en_US_POSIX", "en_001", "zh", "zh_CN", "zh_Hans", "zh_Hans_CN"}
# Trees Qt reaches (collation, zone names and the region/language names zone names are built from).
KEEP_TREES = {"coll", "zone", "region", "lang"}
# Converters: the alias table and the Chinese national encodings (GB18030, GBK as windows-936 with the ibm-1386
# table it extends, GB2312 as ibm-1383).
KEEP_CONVERTERS = {"cnvalias.icu", "gb18030.cnv", "windows-936-2000.cnv", "ibm-1386_P100-2001.cnv",
                   "ibm-1383_P110-1999.cnv"}
# Top-level items no Qt service reads: character names, confusables (spoof checks), StringPrep/IDNA profiles.
DROP_TOP = re.compile(r"^(unames\.icu|confusables\.cfu|.*\.spp|uts46\.nrm)$")
LOCALE_ID = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9_]*)?$")


def is_locale_file(name: str) -> bool:
    stem = name[:-4] if name.endswith(".res") else None
    return stem is not None and stem != "res_index" and (stem == "root" or bool(LOCALE_ID.match(stem)))


def keep(item: str) -> bool:
    """Whether an item of the package (as `icupkg -l` names it, e.g. coll/zh.res) stays."""
    tree, _, name = item.rpartition("/")
    if tree and tree not in KEEP_TREES:
        return False
    if is_locale_file(name):
        return name[:-4] in KEEP_LOCALES
    if not tree:
        if name.endswith(".cnv") or name == "cnvalias.icu":
            return name in KEEP_CONVERTERS
        return not DROP_TOP.match(name)
    return True  # a tree's own index and pools (res_index.res, pool.res, tzdbNames.res, ucadata.icu, ...)


def read_package(lib: Path) -> tuple[str, bytes]:
    """The ICU data package the library exports, and its symbol name (icudt<ver>_dat)."""
    from elftools.elf.elffile import ELFFile

    with lib.open("rb") as f:
        elf = ELFFile(f)
        symbols = elf.get_section_by_name(".dynsym")
        for sym in symbols.iter_symbols():
            if re.fullmatch(r"icudt\d+_dat", sym.name) and sym["st_size"]:
                section = elf.get_section(sym["st_shndx"])
                f.seek(section["sh_offset"] + sym["st_value"] - section["sh_addr"])
                return sym.name, f.read(sym["st_size"])
    raise SystemExit(f"{lib}: no icudt<version>_dat symbol; is this ICU's data library?")


def executable_stack(lib: Path) -> bool:
    """Whether loading `lib` makes the stack executable (no PT_GNU_STACK header, or one with the X flag)."""
    from elftools.elf.elffile import ELFFile

    with lib.open("rb") as f:
        stack = [seg for seg in ELFFile(f).iter_segments() if seg["p_type"] == "PT_GNU_STACK"]
        return not stack or bool(stack[0]["p_flags"] & 0x1)


def shrink(lib: Path) -> tuple[int, int]:
    """Replace `lib` with a library holding only the kept items. Returns (old size, new size) in bytes."""
    symbol, package = read_package(lib)
    entry = symbol[: -len("_dat")]  # icudt73
    soname = lib.name
    old = lib.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dat = work / f"{entry}l.dat"  # the l says little-endian ASCII, which icupkg checks against the header
        dat.write_bytes(package)
        items = subprocess.run(["icupkg", "-l", str(dat)], check=True, capture_output=True,
                               text=True).stdout.split()
        drop = [i for i in items if not keep(i)]
        missing = [i for i in ("coll/root.res", "coll/zh.res", "coll/ucadata.icu", "zoneinfo64.res", "root.res",
                               "zh.res", "en.res", "cnvalias.icu") if i not in items]
        if missing:
            raise SystemExit(f"{lib}: ICU data without {', '.join(missing)}: not the layout this script knows")
        (work / "drop.txt").write_text("\n".join(drop) + "\n", encoding="ascii")
        small = work / "small" / dat.name
        small.parent.mkdir()
        subprocess.run(["icupkg", "-r", str(work / "drop.txt"), str(dat), str(small)], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["genccode", "-q", "-o", "-m", str(lib), "-e", entry, "-d", str(work), str(small)],
                       check=True, stdout=subprocess.DEVNULL)
        obj = next(work.glob("*.o"))
        out = work / soname
        # -z noexecstack: genccode's object has no .note.GNU-stack, and without one ld marks the library as needing
        # an executable stack, which glibc then grants the whole process (or, from 2.41, refuses to load).
        subprocess.run(["ld", "-shared", "-z", "noexecstack", "-z", "relro", "--hash-style=gnu", "-soname", soname,
                        "-o", str(out), str(obj)], check=True)
        subprocess.run(["strip", "--strip-unneeded", str(out)], check=True)
        if read_package(out) != (symbol, small.read_bytes()):
            raise SystemExit(f"{out}: the rebuilt library does not export the filtered package as {symbol}")
        if executable_stack(out):
            raise SystemExit(f"{out}: the rebuilt library asks for an executable stack")
        print(f"ICU data: {len(items) - len(drop)} of {len(items)} items kept, "
              f"{old / 2**20:.1f} MiB -> {out.stat().st_size / 2**20:.1f} MiB")
        shutil.copyfile(out, lib)
    return old, lib.stat().st_size


def find_library(app: Path) -> Path:
    libs = sorted(p for p in app.rglob("libicudata.so.*") if not p.is_symlink())  # PyInstaller adds top-level links
    if len(libs) != 1:
        raise SystemExit(f"{app}: expected one libicudata.so.<version>, found {[str(p) for p in libs]}")
    return libs[0]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("app", help="the one-folder build (holds station-app and _internal/)")
    p.add_argument("--list", action="store_true", help="only print which items would be kept")
    args = p.parse_args(argv)
    lib = find_library(Path(args.app))
    if args.list:
        _symbol, package = read_package(lib)
        with tempfile.TemporaryDirectory() as tmp:
            dat = Path(tmp) / f"{_symbol[:-len('_dat')]}l.dat"
            dat.write_bytes(package)
            items = subprocess.run(["icupkg", "-l", str(dat)], check=True, capture_output=True,
                                   text=True).stdout.split()
        print("\n".join(i for i in items if keep(i)))
        return 0
    shrink(lib)
    return 0


if __name__ == "__main__":
    sys.exit(main())
