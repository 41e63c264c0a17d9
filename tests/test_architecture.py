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


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts: layers point down, Qt and llama.cpp stay put."""
    import shutil
    import subprocess
    import sys

    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    done = subprocess.run([lint, "--no-cache"], capture_output=True, text=True, timeout=120, cwd=APP.parent)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_the_app() -> None:
    """Type-checking-only imports aside, no module of app/ reaches itself through imports."""
    import grimp

    graph = grimp.build_graph("app", exclude_type_checking_imports=True, cache_dir=None)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(imports) == []
