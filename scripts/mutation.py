#!/usr/bin/env python3
"""Mutation testing of the modules that carry Ponder's promises, one module at a time.

    python scripts/mutation.py                  # every module below
    python scripts/mutation.py thinking budget  # some of them
    python scripts/mutation.py --list           # the modules and the tests that guard them
    python scripts/mutation.py budget --show    # also print each surviving mutant's diff

mutmut (installed into this Python's environment on first use) changes one thing at a time
in a module -- a comparison, a constant, a call's argument -- and runs the tests that reach
the changed function (it records which). A mutant the tests do not notice "survives": a
behaviour nobody watches, or a change that means the same thing. Each module is mutated in
a copy of the tree in a temporary folder, never in place, so tests running in this tree
meanwhile see the real code. Prints killed / survived / score per module and exits 1 when a
module scores under the target. Not part of CI: a full pass takes a while on 2 cores.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = "mutmut>=3.8,<4"
TARGET_SCORE = 85.0
KILLED = ("killed", "timeout", "caught by type check", "segfault")  # the tests noticed
SURVIVED = ("survived", "no tests", "suspicious")  # they did not (or could not)


@dataclass(frozen=True)
class Module:
    name: str
    path: str
    tests: tuple[str, ...]
    about: str
    # Mutate only these functions (patterns on mutmut's mutant names); all when empty.
    only: tuple[str, ...] = ()


MODULES = (
    Module(
        "thinking",
        "app/core/chat/thinking.py",
        (
            "tests/core/test_thinking.py",
            "tests/core/test_thinking_property.py",
            "tests/core/test_thinking_edges.py",
        ),
        "the thinking parser",
    ),
    Module(
        "budget",
        "app/core/chat/budget.py",
        ("tests/core/test_budget.py", "tests/core/test_budget_cut.py"),
        "where a budget cuts the reasoning",
    ),
    Module("prompt", "app/core/chat/prompt.py", ("tests/core/test_prompt.py",), "prompt rendering"),
    Module(
        "download",
        "app/core/hub/download.py",
        (
            "tests/hub/test_hub_download.py",
            "tests/hub/test_hub_download_behaviour.py",
            "tests/hub/test_hub_queue.py",
            "tests/hub/test_hub_library.py",
        ),
        "verified downloads",
    ),
    Module(
        "partial",
        "app/core/hub/partial.py",
        ("tests/hub/test_hub_download.py", "tests/hub/test_hub_partial.py"),
        "partial files",
    ),
    Module(
        "writer",
        "app/core/store/writer.py",
        (
            "tests/store/test_store_streaming.py",
            "tests/store/test_store_crash.py",
            "tests/store/test_store_writer_edges.py",
        ),
        "the store's writer thread and reply batching",
    ),
    Module(
        "recovery",
        "app/core/store/chats.py",
        (
            "tests/store/test_store_streaming.py",
            "tests/store/test_store_crash.py",
            "tests/store/test_store_reply_rows.py",
        ),
        "streamed replies and their recovery after a crash",
        only=tuple(
            f"*ǁChatStoreǁ{name}__mutmut_*"
            for name in ("begin_reply", "append_reply", "finish_reply", "is_streaming", "recover_interrupted")
        ),
    ),
)


def ensure_mutmut() -> Path:
    """The mutmut command of this Python's environment, installed there if missing."""
    if importlib.util.find_spec("mutmut") is None:
        print(f"installing {MUTMUT} into {sys.prefix}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", MUTMUT], check=True)
    command = Path(sys.executable).with_name("mutmut")
    if not command.exists():
        sys.exit(f"mutmut is installed but {command} is missing")
    return command


def prepare(module: Module, work: Path) -> None:
    """A copy of the tree with mutmut told what to mutate and which tests to run."""
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", "mutants")
    for folder in ("app", "tests"):
        shutil.copytree(ROOT / folder, work / folder, ignore=skip)
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    if "[tool.mutmut]" in pyproject:
        sys.exit("pyproject.toml has its own [tool.mutmut]: this script sets one per module")
    # Only the Qt-free core is mutated, so its tests run without pytest-qt (and Qt).
    args = ["-p", "no:cacheprovider", "-p", "no:pytest-qt", "-q", "-x"]
    config = "\n".join(
        [
            "[tool.mutmut]",
            'source_paths = ["app"]',
            f"only_mutate = [{_toml(module.path)}]",
            f"pytest_add_cli_args = [{', '.join(map(_toml, args))}]",
            f"pytest_add_cli_args_test_selection = [{', '.join(map(_toml, module.tests))}]",
            "use_git_change_detection = false",
        ]
    )
    (work / "pyproject.toml").write_text(pyproject + "\n" + config + "\n", "utf-8")


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def results(mutmut: Path, work: Path, env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [str(mutmut), "results", "--all", "true"], cwd=work, env=env, capture_output=True, text=True
    )
    found = {}
    for line in out.stdout.splitlines():
        match = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def run(module: Module, mutmut: Path, jobs: int, show: bool, keep: bool) -> float | None:
    work = Path(tempfile.mkdtemp(prefix=f"ponder-mutation-{module.name}-"))
    env = {**os.environ, "PYTHONPATH": "", "QT_QPA_PLATFORM": "offscreen", "PYTHONHASHSEED": "0"}
    started = time.monotonic()
    try:
        prepare(module, work)
        log = work / "mutmut.log"
        with log.open("w") as out:
            done = subprocess.run(
                [str(mutmut), "run", "--max-children", str(jobs), *module.only],
                cwd=work,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        found = results(mutmut, work, env)
        if module.only:
            found = {k: v for k, v in found.items() if any(fnmatch.fnmatch(k, p) for p in module.only)}
        checked = {k: v for k, v in found.items() if v in KILLED + SURVIVED}
        if done.returncode != 0 or not checked:
            print(log.read_text(errors="replace")[-4000:])
            print(f"{module.name}: mutmut failed (exit {done.returncode}); its log is above")
            return None
        killed = sum(v in KILLED for v in checked.values())
        survivors = sorted(k for k, v in checked.items() if v in SURVIVED)
        score = 100.0 * killed / len(checked)
        minutes, seconds = divmod(int(time.monotonic() - started), 60)
        print(
            f"{module.name:9} {module.path:28} killed {killed:4}  survived {len(survivors):3}  "
            f"score {score:5.1f}%  ({minutes}m{seconds:02d}s)",
            flush=True,
        )
        for name in survivors:
            print(f"    survived: {name} ({checked[name]})")
            if show:
                diff = subprocess.run(
                    [str(mutmut), "show", name], cwd=work, env=env, capture_output=True, text=True
                )
                print("\n".join("        " + line for line in diff.stdout.splitlines()[1:]))
        return score
    finally:
        if keep:
            print(f"    kept: {work} (cd there and run `mutmut browse`)")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="module names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--show", action="store_true", help="print the diff of every surviving mutant")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (for mutmut browse)")
    args = parser.parse_args()
    if args.list:
        for m in MODULES:
            print(f"{m.name:9} {m.path:28} {m.about}\n{'':38} tests: {', '.join(m.tests)}")
        return 0
    known = {m.name: m for m in MODULES}
    unknown = [name for name in args.modules if name not in known]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[name] for name in args.modules] or list(MODULES)
    mutmut = ensure_mutmut()
    scores = {m.name: run(m, mutmut, args.jobs, args.show, args.keep) for m in chosen}
    low = [name for name, score in scores.items() if score is None or score < TARGET_SCORE]
    if low:
        print(f"under the {TARGET_SCORE:.0f}% target (or failed): {', '.join(low)}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
