"""The .deb that installer/build.py makes: where things go, and that it never touches a user's data.

The PyInstaller build itself is slow; CI builds and installs the real package in installer/ci_check.sh. Here a
stand-in app folder goes through the same packaging step so the layout is checked on every test run.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is a Debian tool")


def _build_module():
    spec = importlib.util.spec_from_file_location("station_build", ROOT / "installer" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    build = _build_module()
    out = tmp_path_factory.mktemp("deb")
    app = out / "station-app"
    (app / "_internal").mkdir(parents=True)
    exe = app / "station-app"
    exe.write_text("#!/bin/sh\necho stand-in\n")
    exe.chmod(0o755)
    return build, build.build_deb(app, out)


def _contents(deb: Path) -> dict[str, str]:
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True, capture_output=True, text=True).stdout
    entries = {}
    for line in listing.splitlines():
        parts = line.split(None, 5)
        entries[parts[5].split(" -> ")[0].lstrip(".")] = line
    return entries


def test_files_land_under_opt_with_launchers_desktop_entry_and_icon(deb):
    build, path = deb
    from station_app import __version__

    assert path.name == f"station-app_{__version__}_{build.deb_arch()}.deb"
    files = _contents(path)
    assert "/opt/station-app/station-app" in files
    assert "-> /opt/station-app/station-app" in files["/usr/bin/station-app"]
    assert "/usr/bin/station-app-gui" in files
    assert "/usr/share/applications/station-app.desktop" in files
    assert "/usr/share/icons/hicolor/256x256/apps/station-app.png" in files
    assert all(line.split()[1] == "root/root" for line in files.values())


def test_desktop_entry_has_chinese_and_english_names(deb):
    _build, path = deb
    desktop = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)], check=True, capture_output=True).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(desktop)) as tar:
        text = tar.extractfile("./usr/share/applications/station-app.desktop").read().decode()
        launcher = tar.extractfile("./usr/bin/station-app-gui").read().decode()
    assert "Name=Village Legal Service Station" in text
    assert "Name[zh_CN]=村公共法律服务工作室" in text
    assert "Exec=station-app-gui" in text and "Icon=station-app" in text
    assert 'exec /opt/station-app/station-app gui "$@"' in launcher


def test_control_and_no_maintainer_scripts(deb):
    _build, path = deb
    from station_app import __version__

    control = subprocess.run(["dpkg-deb", "-f", str(path)], check=True, capture_output=True, text=True).stdout
    assert f"Version: {__version__}" in control
    assert "Package: station-app" in control
    ctrl_files = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(path)], check=True, capture_output=True).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(ctrl_files)) as tar:
        names = {n.lstrip("./") for n in tar.getnames()} - {""}
    # No preinst/postinst/prerm/postrm: removing or purging can never touch a user's data directory.
    assert names == {"control"}
