"""A plain install works: the wheel, installed into a fresh virtual environment and run with no
source tree on the path, finds its catalog, chat template, icons and stylesheet, and answers.

The new environment gets only the wheel; its dependencies come from this environment's
site-packages through a .pth file, which adds the folder to the path without running the .pth
files in it (so this checkout's editable install stays out). Offline, and about 20 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.testkit.scripted_model import ScriptedModel, qwen3_chat_template
from app.ui.common.theme import stylesheet_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "app", "models", "resources")

# Run by the installed interpreter: where its app comes from and what data it finds.
PROBE = """
import json
from importlib import resources
import app
from app.testkit.scripted_model import qwen3_chat_template
from app.ui.common.theme import stylesheet_for
from app.ui.common.i18n import compiled_translation
data = resources.files("app.data.resources")
print(json.dumps({
    "app": app.__file__,
    "template": qwen3_chat_template(),
    "stylesheet": stylesheet_for("light"),
    "resources": sorted(p.name for p in data.iterdir() if not p.name.startswith("__")),
    "icons": sorted(p.name for p in (data / "icons").iterdir()),
    "translation": str(compiled_translation("zh_CN")),
}))
"""


@dataclass(frozen=True)
class Installed:
    prefix: Path
    python: Path
    scripts: Path
    env: dict[str, str]
    cwd: Path

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return _run(args, env=self.env, cwd=self.cwd)


def _run(
    args: Sequence[str | Path], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )
    assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("wheel")
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = work / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, src])
    (wheel,) = dist.glob("ponder-*.whl")

    prefix = work / "venv"
    venv.EnvBuilder(with_pip=False).create(prefix)
    python = prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel])
    paths = json.loads(
        _run([python, "-c", "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"]).stdout
    )
    ours = sysconfig.get_paths()
    deps = dict.fromkeys([ours["purelib"], ours["platlib"]])  # the same folder on most systems
    (Path(paths["purelib"]) / "ponder_test_dependencies.pth").write_text("\n".join(deps) + "\n", "utf-8")

    home = work / "home"
    cwd = work / "cwd"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "HF_"))}
    env.update(
        PONDER_HOME=str(home),
        HF_HOME=str(work / "hf"),
        HF_HUB_OFFLINE="1",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_QPA_PLATFORM="offscreen",
    )
    return Installed(prefix, python, Path(paths["scripts"]), env, cwd)


def test_app_and_its_data_come_from_the_wheel(installed: Installed) -> None:
    found = json.loads(installed.run(installed.python, "-c", PROBE).stdout)
    app_file = Path(found["app"]).resolve()
    assert app_file.is_relative_to(installed.prefix.resolve()), app_file
    assert not app_file.is_relative_to(ROOT)
    assert found["template"] == qwen3_chat_template()
    assert found["stylesheet"] == stylesheet_for("light") and "#ffffff" in found["stylesheet"]
    assert found["resources"] == ["icons", "ponder.svg", "style.qss"]
    # The wheel carries the translations compiled (setup.py's build step), beside the app.
    assert Path(found["translation"]).resolve() == app_file.parent / "i18n" / "ponder_zh_CN.qm"
    assert found["icons"] == sorted(p.name for p in (ROOT / "resources" / "icons").glob("*.svg"))


def test_models_catalog(installed: Installed) -> None:
    out = installed.run(installed.scripts / "ponder", "models", "catalog")
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["MODEL", "PARAMS", "THINKING"]
    ids = [m["id"] for m in json.loads((ROOT / "models" / "catalog.json").read_text("utf-8"))["models"]]
    assert [row.lstrip("* ").split()[0] for row in lines[1 : 1 + len(ids)]] == ids


def test_ask_a_scripted_model(installed: Installed, qwen3_model: ScriptedModel) -> None:
    out = installed.run(
        installed.scripts / "ponder", "ask", qwen3_model.path, "Say hello", "--json", "--ctx", "1024"
    )
    data = json.loads(out.stdout)
    assert data["thinking"] == qwen3_model.script.thinking_text.strip()
    assert data["answer"] == qwen3_model.script.answer_text
