"""Layering rules: the core never imports Qt; llama.cpp lives only in app/engine."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt() -> None:
    offenders = {
        str(p.relative_to(APP)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in ("PySide6", "shiboken6")
        )
        for p in (APP / "core").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_core_never_imports_the_ui_or_llama_cpp() -> None:
    for p in (APP / "core").rglob("*.py"):
        mods = imported_modules(p)
        assert not any(m.startswith(("app.ui", "llama_cpp")) for m in mods), p


def test_llama_cpp_only_in_the_engine() -> None:
    for p in APP.rglob("*.py"):
        if "engine" in p.relative_to(APP).parts:
            continue
        assert not any(m.split(".")[0] == "llama_cpp" for m in imported_modules(p)), p


def test_qt_only_through_one_module() -> None:
    """Widgets import Qt through app.ui.common.qt, so the binding lives in one place."""
    for p in (APP / "ui").rglob("*.py"):
        if p.name == "qt.py":
            continue
        assert not any(m.split(".")[0] == "PySide6" for m in imported_modules(p)), p


def test_importing_the_core_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, app.core\n"
        "for m in pkgutil.walk_packages(app.core.__path__, 'app.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(any(k.startswith('PySide6') for k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_qt_binding_keeps_its_references() -> None:
    """Guard against binding builds that give back None without owning it (PySide6 6.12 on 3.11)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from app.ui.common.qt import QTimer\n"
        "timer = QTimer()\n"
        "before = sys.getrefcount(None)\n"
        "for _ in range(5000): timer.setInterval(5)\n"
        "print(before - sys.getrefcount(None))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert abs(int(out.stdout.strip())) < 100
