"""The package list and one build step; the rest of the build configuration is in pyproject.toml.

``app.data.models`` and ``app.data.resources`` are the top-level models/ and resources/ folders
(pyproject.toml's ``package-dir``). A ``packages.find`` in pyproject.toml only sees the folders
under app/ and cannot be combined with a list, hence this file.

The build step compiles the window's translations (app/i18n/*.ts, Qt Linguist sources) into the
.qm files Qt loads, with the lrelease that PySide6 ships (a build requirement).
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


def lrelease() -> str:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("building Ponder needs PySide6 (its lrelease compiles the translations)")
    return str(
        Path(spec.submodule_search_locations[0]) / ("lrelease.exe" if sys.platform == "win32" else "lrelease")
    )


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        for source in sorted(Path(__file__).parent.joinpath("app", "i18n").glob("*.ts")):
            target = Path(self.build_lib, "app", "i18n", source.with_suffix(".qm").name)
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([lrelease(), "-silent", str(source), "-qm", str(target)], check=True)


setup(
    packages=[*find_namespace_packages(include=["app", "app.*"]), "app.data.models", "app.data.resources"],
    cmdclass={"build_py": BuildWithTranslations},
)
