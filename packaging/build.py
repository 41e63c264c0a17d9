#!/usr/bin/env python3
"""Build Ponder's installer for the OS this runs on.

    python packaging/build.py            # one-folder bundle + the OS's installer
    python packaging/build.py --bundle   # only the one-folder bundle (dist/ponder)

Linux:   dist/ponder-<version>-linux-<arch>.tar.gz and dist/ponder_<version>_<arch>.deb
Windows: dist/Ponder-<version>-setup.exe (needs Inno Setup 6: iscc on PATH)
macOS:   dist/Ponder.app and dist/Ponder-<version>.dmg (hdiutil, part of macOS)

Run it from the project's virtual environment with the packaging extra installed
(``pip install -e .[packaging]``). For a GPU build, install llama-cpp-python with the
matching CMAKE_ARGS first (README, "GPU builds"); the spec bundles whichever
llama.cpp libraries are installed, and ``ponder --version`` names the backend.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUILD = ROOT / "build"
ICONS = BUILD / "icons"
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402


def run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def make_icons() -> None:
    """Render resources/ponder.svg to PNG with Qt; PyInstaller converts it to .ico/.icns."""
    ICONS.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "from PySide6.QtCore import Qt\n"
        "app = QGuiApplication(['x', '-platform', 'offscreen'])\n"
        "r = QSvgRenderer(sys.argv[1])\n"
        "for size in (16, 32, 48, 64, 128, 256, 512):\n"
        "    img = QImage(size, size, QImage.Format.Format_ARGB32)\n"
        "    img.fill(Qt.GlobalColor.transparent)\n"
        "    p = QPainter(img); r.render(p); p.end()\n"
        "    img.save(f'{sys.argv[2]}/ponder-{size}.png')\n"
    )
    run([sys.executable, "-c", code, str(ROOT / "resources" / "ponder.svg"), str(ICONS)])
    shutil.copy(ICONS / "ponder-256.png", ICONS / "ponder.png")
    try:
        from PIL import Image

        img = Image.open(ICONS / "ponder-512.png")
        img.save(ICONS / "ponder.ico", sizes=[(s, s) for s in (16, 32, 48, 64, 128, 256)])
        if sys.platform == "darwin":
            img.save(ICONS / "ponder.icns")
    except ImportError:
        print("Pillow not installed: no .ico/.icns (pip install -e .[packaging])")


def windows_version_file() -> None:
    parts = ([int(p) for p in __version__.split(".")] + [0, 0, 0, 0])[:4]
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tuple(parts)}, prodvers={tuple(parts)}),
  kids=[StringFileInfo([StringTable('040904B0', [
    StringStruct('CompanyName', 'Ponder'),
    StringStruct('FileDescription', 'Ponder - private chat with Qwen3 models'),
    StringStruct('FileVersion', '{__version__}'),
    StringStruct('ProductName', 'Ponder'),
    StringStruct('ProductVersion', '{__version__}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])]
)
"""
    BUILD.mkdir(exist_ok=True)
    (BUILD / "windows_version_info.txt").write_text(text, "utf-8")


def bundle() -> Path:
    make_icons()
    windows_version_file()
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "ponder.spec"),
            "--noconfirm",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "pyinstaller"),
        ],
        cwd=ROOT,
    )
    return DIST / "ponder"


def _arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def linux_tarball(folder: Path) -> Path:
    out = DIST / f"ponder-{__version__}-linux-{platform.machine().lower()}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(folder, arcname=f"ponder-{__version__}")
        tar.add(
            ROOT / "packaging" / "linux" / "ponder.desktop", arcname=f"ponder-{__version__}/ponder.desktop"
        )
        tar.add(ICONS / "ponder.png", arcname=f"ponder-{__version__}/ponder.png")
    return out


def linux_deb(folder: Path) -> Path | None:
    if not shutil.which("dpkg-deb"):
        print("dpkg-deb not found: no .deb")
        return None
    root = BUILD / "deb"
    shutil.rmtree(root, ignore_errors=True)
    opt = root / "opt" / "ponder"
    shutil.copytree(folder, opt, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "ponder").symlink_to("/opt/ponder/ponder")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "linux" / "ponder.desktop", apps / "ponder.desktop")
    mime = root / "usr" / "share" / "mime" / "packages"
    mime.mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "linux" / "ponder-gguf.xml", mime / "ponder-gguf.xml")
    for size in (48, 128, 256, 512):
        icon_dir = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icon_dir.mkdir(parents=True)
        shutil.copy(ICONS / f"ponder-{size}.png", icon_dir / "ponder.png")
    size_kb = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: ponder\nVersion: {__version__}\nArchitecture: {_arch()}\n"
        "Maintainer: Ponder developers <ponder@localhost>\nSection: utils\nPriority: optional\n"
        f"Installed-Size: {size_kb}\n"
        "Depends: libegl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libgl1, libxcb-cursor0\n"
        # Chinese, Japanese and Korean text (chats, and the window in Chinese) needs a CJK font.
        "Recommends: fonts-noto-cjk\n"
        "Description: Private, offline chat with Qwen3 reasoning models\n"
        " Runs GGUF models locally with llama.cpp; shows the model's reasoning beside the answer.\n",
        "utf-8",
    )
    (root / "DEBIAN" / "postinst").write_text(
        "#!/bin/sh\nset -e\n"
        "command -v update-desktop-database >/dev/null && update-desktop-database -q || true\n"
        "command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime || true\n",
        "utf-8",
    )
    (root / "DEBIAN" / "postinst").chmod(0o755)
    out = DIST / f"ponder_{__version__}_{_arch()}.deb"
    run(["dpkg-deb", "--root-owner-group", "--build", str(root), str(out)])
    return out


def windows_installer() -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if not iscc:
        print("Inno Setup (iscc) not found: install Inno Setup 6 and rerun")
        return None
    run(
        [
            iscc,
            f"/DAppVersion={__version__}",
            f"/DSourceDir={DIST / 'ponder'}",
            f"/DIconFile={ICONS / 'ponder.ico'}",
            f"/O{DIST}",
            str(ROOT / "packaging" / "windows" / "ponder.iss"),
        ]
    )
    return DIST / f"Ponder-{__version__}-setup.exe"


def macos_dmg() -> Path:
    app = DIST / "Ponder.app"
    staging = BUILD / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(app, staging / "Ponder.app", symlinks=True)
    (staging / "Applications").symlink_to("/Applications")
    out = DIST / f"Ponder-{__version__}.dmg"
    out.unlink(missing_ok=True)
    run(
        [
            "hdiutil",
            "create",
            "-volname",
            "Ponder",
            "-srcfolder",
            str(staging),
            "-ov",
            "-format",
            "UDZO",
            str(out),
        ]
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle", action="store_true", help="only build the one-folder bundle")
    args = parser.parse_args()
    folder = bundle()
    outputs: list[Path | None] = [folder]
    if not args.bundle:
        if sys.platform.startswith("linux"):
            outputs += [linux_tarball(folder), linux_deb(folder)]
        elif sys.platform == "win32":
            outputs.append(windows_installer())
        elif sys.platform == "darwin":
            outputs.append(macos_dmg())
    for out in outputs:
        if out is not None:
            print("built", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
