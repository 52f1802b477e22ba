"""Build the installable app: `python installer/build.py app|deb|all [--out DIR]`.

  app   PyInstaller one-folder build  ->  DIR/station-app/            (needs `pip install pyinstaller`)
  deb   Debian package of that folder ->  DIR/station-app_<ver>_<arch>.deb   (统信UOS, 麒麟 Kylin, Debian)
  all   both

The .deb installs the folder under /opt/station-app, a `station-app` command and a `station-app-gui` launcher on
PATH, a desktop entry with Chinese and English names, and the icon. It has no maintainer scripts: installing,
upgrading, removing and purging it never touch a user's data directory (~/.local/share/station_app), and the app
itself migrates the database (after an online backup) the first time a newer version opens it.
The ARM64 package is built the same way on an ARM64 machine (PyInstaller does not cross-compile): see docs/install.md.
Windows: installer/windows/station_app.iss, built on a Windows PC (docs/install-windows.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "pyinstaller" / "station_app.spec"
PACKAGE = "station-app"


def version() -> str:
    ns: dict[str, str] = {}
    exec((ROOT / "src" / "station_app" / "__init__.py").read_text(encoding="utf-8"), ns)
    return ns["__version__"]


def build_app(out: Path) -> Path:
    work = out / "pyinstaller-work"
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(out), "--workpath", str(work), str(SPEC)], check=True, cwd=ROOT)
    app = out / PACKAGE
    if not (app / PACKAGE).is_file():
        raise SystemExit(f"build failed: {app / PACKAGE} is missing")
    if sys.platform.startswith("linux"):
        shrink_icu_data(app)
    return app


def shrink_icu_data(app: Path) -> None:
    """Qt's ICU data library cut to the root, Chinese and English data Qt uses (installer/icu_data.py says what and
    why): about 31 MiB down to 4. Needs apt icu-devtools and binutils, pip pyelftools."""
    spec = importlib.util.spec_from_file_location("station_icu_data", ROOT / "installer" / "icu_data.py")
    icu = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(icu)
    icu.shrink(icu.find_library(app))


def deb_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()


DESKTOP = """[Desktop Entry]
Type=Application
Version=1.0
Name=Village Legal Service Station
Name[zh_CN]=村公共法律服务工作室
GenericName=Legal service records and sync
GenericName[zh_CN]=法律服务台账与同步
Comment=Duty shifts, consultations, people's mediation, 三务公开 and outreach, offline
Comment[zh_CN]=值班、法律咨询、人民调解、三务公开和普法活动台账（离线）
Exec=station-app-gui %F
Icon=station-app
Terminal=false
Categories=Office;
StartupWMClass=station-app
"""

GUI_LAUNCHER = """#!/bin/sh
# Start the desktop app (the .desktop entry runs this).
exec /opt/station-app/station-app gui "$@"
"""

# Qt's xcb platform plugin loads these from the system (they are not bundled); the others are on every desktop.
DEPENDS = ("libc6 (>= 2.31), libfontconfig1, libfreetype6, libx11-6, libx11-xcb1, libxcb1, libxkbcommon0, "
           "libxkbcommon-x11-0, libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0, libgl1, libegl1, "
           "libdbus-1-3")


def build_deb(app: Path, out: Path) -> Path:
    ver = version()
    arch = deb_arch()
    stage = out / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / PACKAGE
    shutil.copytree(app, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"/opt/{PACKAGE}/{PACKAGE}", stage / "usr" / "bin" / PACKAGE)
    launcher = stage / "usr" / "bin" / f"{PACKAGE}-gui"
    launcher.write_text(GUI_LAUNCHER, encoding="utf-8")
    launcher.chmod(0o755)
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "station-app.png", icons / f"{PACKAGE}.png")
    doc = stage / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "CHANGELOG.md", doc / "CHANGELOG.md")
    shutil.copy2(ROOT / "resources" / "fonts" / "LICENSE-DroidSansFallback.txt", doc / "LICENSE-DroidSansFallback.txt")
    for path in stage.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    size_kib = sum(p.lstat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: {PACKAGE}\nVersion: {ver}\nArchitecture: {arch}\nMaintainer: station_app maintainers "
        f"<station-app@localhost>\nInstalled-Size: {size_kib}\nDepends: {DEPENDS}\nSection: misc\nPriority: optional\n"
        "Description: records and sync for village public legal service stations\n"
        " 村公共法律服务工作室台账：值班、法律咨询、人民调解、三务公开、普法活动，\n"
        " signed and encrypted sync bundles to the township, reports. Works offline.\n"
        " User data lives in each user's data directory and is never removed with the package.\n",
        encoding="utf-8")
    deb = out / f"{PACKAGE}_{ver}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(stage), str(deb)], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(stage, ignore_errors=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["app", "deb", "all"])
    p.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    args = p.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = out / PACKAGE
    if args.what in ("app", "all"):
        app = build_app(out)
        print(app)
    if args.what in ("deb", "all"):
        if not (app / PACKAGE).is_file():
            raise SystemExit(f"no app folder at {app}: run `python installer/build.py app` first")
        print(build_deb(app, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
