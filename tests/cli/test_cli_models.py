"""``ponder models`` as a user runs it: a real process against a local Hub on 127.0.0.1.

Every command runs ``python -m app models ...`` with ``PONDER_HOME`` in a temporary
folder and ``HF_ENDPOINT`` pointing at :class:`tests.hub.local_hub.LocalHub`, which
serves a scripted Qwen3 GGUF under the catalog's repository for ``qwen3-0.6b:q8_0``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.common import ProgressPrinter, table
from app.core.hub.progress import Progress
from app.core.models.catalog import load_catalog
from app.core.store.settings import Settings, save_settings
from app.testkit.scripted_model import Script, write_scripted_model
from tests.hub.local_hub import LocalHub

ROOT = Path(__file__).resolve().parents[2]
REPO = "Qwen/Qwen3-0.6B-GGUF"  # where the catalog finds qwen3-0.6b:q8_0
FILE = "Qwen3-0.6B-Q8_0.gguf"
SPEC = "qwen3-0.6b:q8_0"
STALL_AT = 300_000

KEYRING_MODULE = '''
import json, os
from keyring.backend import KeyringBackend

class FileKeyring(KeyringBackend):
    """A keyring in a JSON file, for tests."""
    priority = 1

    def _load(self):
        try:
            with open(os.environ["PONDER_TEST_KEYRING"]) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _save(self, data):
        with open(os.environ["PONDER_TEST_KEYRING"], "w") as f:
            json.dump(data, f)

    def get_password(self, service, username):
        return self._load().get(service + "/" + username)

    def set_password(self, service, username, password):
        data = self._load()
        data[service + "/" + username] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        data.pop(service + "/" + username, None)
        self._save(data)
'''


@pytest.fixture(scope="module")
def gguf_data(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("cli-models") / "scripted.gguf"
    write_scripted_model(path, Script())
    return path.read_bytes()


@pytest.fixture
def hub(gguf_data: bytes) -> Iterator[LocalHub]:
    with LocalHub() as server:
        server.add_file(REPO, FILE, gguf_data)
        server.add_file(REPO, "README.md", b"# readme", lfs=False)
        server.repos[REPO].downloads = 500
        server.add_file("someone/Tiny-GGUF", "Tiny-Q8_0.gguf", gguf_data)
        server.add_file("someone/Tiny-GGUF", "Tiny-Q4_K_M.gguf", gguf_data[:-1] + b"\x01")
        server.add_file("someone/Tiny-GGUF", "Tiny-Q4_0.gguf", gguf_data, published_sha256="0" * 64)
        server.add_file("someone/Other-Model", "model.safetensors", b"s" * 10)
        yield server


@pytest.fixture
def env(tmp_path: Path, hub: LocalHub) -> dict[str, str]:
    e = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE")
    }
    e.update(
        PONDER_HOME=str(tmp_path / "home"),
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(tmp_path / "hf"),  # no saved Hugging Face login leaks in
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the real keyring
    )
    return e


def ponder(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=timeout,
    )


def models_dir(env: dict[str, str]) -> Path:
    return Path(env["PONDER_HOME"]) / "models"


def assert_one_line_error(out: subprocess.CompletedProcess[str], expected: str) -> None:
    assert out.returncode != 0, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("ponder: ") and expected in lines[0], out.stderr
    assert "Traceback" not in out.stderr


# ---- search -------------------------------------------------------------------------------------
def test_search_lists_gguf_repositories(env: dict[str, str]) -> None:
    out = ponder(env, "models", "search", "gguf")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["REPOSITORY", "DOWNLOADS", "LIKES", "UPDATED"]
    assert lines[1].split()[:2] == [REPO, "500"]  # most downloaded first
    assert "someone/Tiny-GGUF" in out.stdout and "someone/Other-Model" not in out.stdout  # no GGUF there
    assert "ponder models download" in out.stdout

    data = json.loads(ponder(env, "models", "search", "tiny", "--json").stdout)
    assert [r["repo"] for r in data] == ["someone/Tiny-GGUF"] and data[0]["gated"] is False

    none = ponder(env, "models", "search", "nothing-like-this")
    assert none.returncode == 0 and "No GGUF repositories match" in none.stdout


# ---- download, list, info, remove ---------------------------------------------------------------
def test_download_list_info_remove(env: dict[str, str], hub: LocalHub, gguf_data: bytes) -> None:
    assert "No models" in ponder(env, "models", "list").stdout

    out = ponder(env, "models", "download", SPEC)
    assert out.returncode == 0, out.stderr
    assert f"Downloading {SPEC} from {REPO}" in out.stdout
    assert "%" in out.stdout and "of 1.5 MB" in out.stdout and "verifying" in out.stdout  # progress lines
    assert "\r" not in out.stdout  # not a terminal: plain lines
    assert f"ponder ask {SPEC}" in out.stdout
    path = models_dir(env) / REPO / FILE
    assert path.read_bytes() == gguf_data
    assert not list(path.parent.glob("*.part*"))

    listed = ponder(env, "models", "list")
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()[:2]
    assert header.split() == ["NAME", "QUANT", "SIZE", "PARAMS", "SOURCE", "STATUS"]
    assert row.split()[0] == SPEC and REPO in row and row.split()[-1] == "ok"
    data = json.loads(ponder(env, "models", "list", "--json").stdout)
    assert [m["catalog"] for m in data["models"]] == [SPEC] and data["paused"] == []

    again = ponder(env, "models", "download", SPEC)
    assert again.returncode == 0 and "already downloaded" in again.stdout

    by_name = ponder(env, "models", "info", SPEC)
    assert by_name.returncode == 0, by_name.stderr
    fields = dict(line.split(None, 1) for line in by_name.stdout.splitlines() if line and line[0] != " ")
    assert fields["Architecture"] == "qwen3" and fields["Catalog"] == SPEC and fields["From"] == REPO
    by_path = json.loads(ponder(env, "models", "info", str(path), "--json").stdout)
    assert by_path["arch"] == "qwen3" and by_path["path"] == str(path) and by_path["size"] == len(gguf_data)
    assert by_path["fit"]["verdict"] in ("gpu", "partial", "cpu") and by_path["chat_template"] is True

    removed = ponder(env, "models", "remove", SPEC)
    assert removed.returncode == 0, removed.stderr
    assert "Removed" in removed.stdout and "1.5 MB freed" in removed.stdout
    assert not path.exists() and not (models_dir(env) / "Qwen").exists()  # empty folders tidied
    assert "No models" in ponder(env, "models", "list").stdout


def test_list_follows_the_chosen_models_folder(env: dict[str, str], tmp_path: Path, gguf_data: bytes) -> None:
    chosen = tmp_path / "elsewhere"
    (chosen / "local").mkdir(parents=True)
    (chosen / "local" / "mine.gguf").write_bytes(gguf_data)
    (models_dir(env) / "local").mkdir(parents=True)
    (models_dir(env) / "local" / "default.gguf").write_bytes(gguf_data)  # the folder no longer in use
    save_settings(Settings(models_dir=str(chosen)), Path(env["PONDER_HOME"]) / "config" / "settings.json")

    listed = ponder(env, "models", "list")
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()]
    assert "mine" in names and "default" not in names
    assert f"Models folder: {chosen}" in listed.stdout
    assert json.loads(ponder(env, "models", "list", "--json").stdout)["root"] == str(chosen)


def test_download_from_a_repository_by_quant_and_file(env: dict[str, str]) -> None:
    several = ponder(env, "models", "download", "someone/Tiny-GGUF")
    assert_one_line_error(several, "holds 3 models (Q4_0, Q4_K_M, Q8_0): choose one with --quant")

    listing = ponder(env, "models", "info", "someone/Tiny-GGUF")
    assert listing.returncode == 0, listing.stderr
    assert "Tiny-Q4_K_M" in listing.stdout and "Q4_K_M" in listing.stdout

    out = ponder(env, "models", "download", "someone/Tiny-GGUF", "--quant", "q8_0")
    assert out.returncode == 0, out.stderr
    assert (models_dir(env) / "someone" / "Tiny-GGUF" / "Tiny-Q8_0.gguf").is_file()
    assert 'ponder ask Tiny-Q8_0 "Hello"' in out.stdout

    out = ponder(env, "models", "download", "someone/Tiny-GGUF", "--file", "Tiny-Q4_K_M.gguf")
    assert out.returncode == 0, out.stderr
    names = [m["name"] for m in json.loads(ponder(env, "models", "list", "--json").stdout)["models"]]
    assert names == ["Tiny-Q4_K_M", "Tiny-Q8_0"]


def test_ask_by_catalog_name(env: dict[str, str], gguf_data: bytes) -> None:
    missing = ponder(env, "ask", SPEC, "hi")
    assert_one_line_error(missing, "ponder models download")

    assert ponder(env, "models", "download", SPEC).returncode == 0
    out = ponder(env, "ask", SPEC, "Say hello", "--json", "--ctx", "1024", "--gpu-layers", "0")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["answer"] == Script().answer_text
    assert answer["model"] == str(models_dir(env) / REPO / FILE)


# ---- pause and resume ---------------------------------------------------------------------------
def _start_stalled_download(env: dict[str, str], hub: LocalHub) -> subprocess.CompletedProcess[str]:
    """Start a download that stalls after STALL_AT bytes, press Ctrl+C there."""
    hub.stall_after(FILE, STALL_AT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "models", "download", SPEC],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    part = models_dir(env) / REPO / (FILE + ".part")
    deadline = time.monotonic() + 30
    while (not part.exists() or part.stat().st_size < STALL_AT) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert part.exists() and part.stat().st_size == STALL_AT
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def test_ctrl_c_pauses_and_a_rerun_resumes(env: dict[str, str], hub: LocalHub, gguf_data: bytes) -> None:
    paused = _start_stalled_download(env, hub)
    assert paused.returncode == 130
    assert paused.stderr.strip().splitlines() == [
        "ponder: paused with 300.0 KB of 1.5 MB kept; run the same command again to resume."
    ]
    part = models_dir(env) / REPO / (FILE + ".part")
    assert part.stat().st_size == STALL_AT

    listed = ponder(env, "models", "list")
    assert "Paused downloads:" in listed.stdout
    assert f"{FILE}: 300.0 KB of 1.5 MB; resume: ponder models download {SPEC}" in listed.stdout

    resumed = ponder(env, "models", "download", SPEC)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming: 300.0 KB already downloaded." in resumed.stdout
    assert (models_dir(env) / REPO / FILE).read_bytes() == gguf_data
    assert hub.served(FILE) == len(gguf_data)  # no byte fetched twice


def test_remove_a_paused_download(env: dict[str, str], hub: LocalHub) -> None:
    assert _start_stalled_download(env, hub).returncode == 130
    out = ponder(env, "models", "remove", SPEC)
    assert out.returncode == 0, out.stderr
    assert "Removed the paused download of Qwen3-0.6B-Q8_0.gguf (300.0 KB)" in out.stdout
    assert not list((models_dir(env) / REPO).glob("*.part*"))


# ---- hardware fit and the catalog -----------------------------------------------------------------
def test_fit_prints_the_machine_and_a_recommendation(env: dict[str, str]) -> None:
    out = ponder(env, "models", "fit")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "RAM" in text and "free of" in text and "cores" in text and "GPU offload" in text
    assert "Recommended: qwen3-" in text and "Download: ponder models download qwen3-" in text

    data = json.loads(ponder(env, "models", "fit", "--json", "--ctx", "4096").stdout)
    hw = data["hardware"]
    assert hw["ram_total"] > 0 and hw["cpu_logical"] >= 1 and data["ctx"] == 4096
    assert data["recommended"]["spec"].split(":")[0] in {m.id for m in load_catalog()}
    assert isinstance(hw["gpu_offload"], bool)  # the probe answered
    if not hw["gpu_offload"]:
        assert "CMAKE_ARGS" in data["advice"] and "GPU builds" in data["advice"]
        assert "CMAKE_ARGS" in text and "GPU builds" in text


def test_fit_names_a_gpu_this_build_cannot_use(env: dict[str, str], tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA Test GPU, 24576, 20480'\n")
    fake.chmod(0o755)
    env = {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}
    data = json.loads(ponder(env, "models", "fit", "--json").stdout)
    assert data["hardware"]["gpus"][0]["name"] == "NVIDIA Test GPU"
    if data["hardware"]["gpu_offload"]:
        pytest.skip("this llama.cpp build offloads to GPUs")
    assert 'CMAKE_ARGS="-DGGML_CUDA=on"' in data["advice"] and "NVIDIA Test GPU" in data["advice"]
    text = ponder(env, "models", "fit").stdout
    assert "NVIDIA Test GPU (cuda, 21.5 GB free of 25.8 GB)" in text and "GPU offload  no" in text


def test_catalog_has_fit_badges(env: dict[str, str]) -> None:
    out = ponder(env, "models", "catalog")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["MODEL", "PARAMS", "THINKING"]
    catalog = load_catalog()
    rows = lines[1 : 1 + len(catalog)]
    assert [r.lstrip("* ").split()[0] for r in rows] == [m.id for m in catalog]
    assert any(r.startswith("* ") for r in rows)  # the recommendation is marked
    assert any("too big" in r.lower() for r in rows)  # 235B fits no test machine
    data = json.loads(ponder(env, "models", "catalog", "--json").stdout)
    assert len(data["models"]) == len(catalog)
    assert sum(m["recommended"] for m in data["models"]) == 1

    info = ponder(env, "models", "info", "qwen3-8b")
    assert info.returncode == 0, info.stderr
    assert "qwen3-8b:q4_k_m (default)" in info.stdout and "REPOSITORY" in info.stdout


# ---- errors are one line ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("download", "qwen3-9b"), "Did you mean qwen3-8b"),
        (("download", "qwen3-8b:q9_z"), "has no Q9_Z quant"),
        (("download", "nobody/Missing-GGUF"), "was not found on the Hugging Face Hub"),
        (("download", "someone/Tiny-GGUF", "--file", "nope.gguf"), "nope.gguf is not in someone/Tiny-GGUF"),
        (("download", "someone/Tiny-GGUF", "--quant", "Q5_0"), "has no Q5_0 model; it has Q4_0, Q4_K_M"),
        (("download", "someone/Other-Model"), "has no GGUF model files"),
        (("download", "someone/Tiny-GGUF", "--quant", "Q4_0"), "failed verification"),
        (("download", "qwen3-8b", "--file", "x.gguf"), "--file needs a Hub repository"),
        (("info", "qwen3-9b"), "Did you mean qwen3-8b"),
        (("info", "/nowhere/model.gguf"), "does not exist"),
        (("remove", "nothing-here"), "No model called 'nothing-here'"),
    ],
)
def test_errors_are_one_line(env: dict[str, str], args: tuple[str, ...], expected: str) -> None:
    assert_one_line_error(ponder(env, "models", *args), expected)


def test_not_a_gguf_file_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("plain text")
    assert_one_line_error(ponder(env, "models", "info", str(text)), "not a GGUF")


def test_no_network_is_one_line(env: dict[str, str]) -> None:
    with LocalHub() as gone:
        endpoint = gone.endpoint  # nothing listens there once it stops
    offline = {**env, "HF_ENDPOINT": endpoint}
    started = time.monotonic()
    assert_one_line_error(ponder(offline, "models", "search", "qwen"), "Could not reach")
    assert_one_line_error(ponder(offline, "models", "download", SPEC), "Could not reach")
    assert time.monotonic() - started < 30


def test_unwritable_models_folder_is_one_line(env: dict[str, str]) -> None:
    home = Path(env["PONDER_HOME"])
    home.mkdir(parents=True)
    (home / "models").write_text("a file where the folder should be")
    assert_one_line_error(ponder(env, "models", "download", SPEC), "Cannot create the folder")


def test_gated_repository_asks_for_a_token_then_uses_the_stored_one(
    env: dict[str, str], hub: LocalHub, gguf_data: bytes, tmp_path: Path
) -> None:
    hub.add_file("private/Secret-GGUF", "Secret-Q8_0.gguf", gguf_data)
    hub.protect("private/Secret-GGUF", "hf_test_secret_token_1234")

    refused = ponder(env, "models", "download", "private/Secret-GGUF")
    assert_one_line_error(refused, "ponder models login")
    no_store = ponder(env, "models", "login", stdin="hf_test_secret_token_1234\n")
    assert_one_line_error(no_store, "HF_TOKEN")  # no keyring backend here: nothing saved

    (tmp_path / "ponder_test_keyring.py").write_text(KEYRING_MODULE)
    keyed = {
        **env,
        "PYTHON_KEYRING_BACKEND": "ponder_test_keyring.FileKeyring",
        "PYTHONPATH": os.pathsep.join(p for p in (str(tmp_path), env.get("PYTHONPATH")) if p),
        "PONDER_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }
    login = ponder(keyed, "models", "login", stdin="hf_test_secret_token_1234\n")
    assert login.returncode == 0, login.stderr
    assert "secret" not in login.stdout + login.stderr  # the token is never printed
    out = ponder(keyed, "models", "download", "private/Secret-GGUF")
    assert out.returncode == 0, out.stderr
    assert (models_dir(env) / "private" / "Secret-GGUF" / "Secret-Q8_0.gguf").is_file()

    assert ponder(keyed, "models", "logout").returncode == 0
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}


# ---- output helpers, in process ------------------------------------------------------------------------
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _progress(done: int, phase: str = "downloading", speed: float = 2e6) -> Progress:
    total = 10_000_000
    eta = (total - done) / speed if speed else None
    return Progress(done, total, speed, eta, "Model-Q8_0.gguf", 0, 1, phase)  # type: ignore[arg-type]


def test_progress_bar_redraws_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    term = _Terminal()
    printer = ProgressPrinter(term)
    for done in (1_000_000, 5_000_000):
        printer(_progress(done))
    printer(_progress(10_000_000, "verifying", 0))
    printer(_progress(10_000_000, "done", 0))
    text = term.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "\r 50% [############------------]  5.0 MB of 10.0 MB  2.0 MB/s  ETA 0:02\r" in text
    last = text.rsplit("\r", 1)[1]  # padded with spaces over the longer line before it
    assert last == "done [########################] 100%  10.0 MB of 10.0 MB" + " " * 5 + "\n"

    split = _Terminal()
    ProgressPrinter(split)(Progress(1, 4, 0.0, None, "M-00002-of-00003.gguf", 1, 3, "downloading"))
    assert (
        split.getvalue() == "\r 25% [######------------------]  1 bytes of 4 bytes  -- /s  ETA --:--  (2/3)"
    )

    monkeypatch.setenv("COLUMNS", "40")  # a narrow terminal: the line is cut, never wrapped
    narrow = _Terminal()
    ProgressPrinter(narrow)(_progress(5_000_000))
    assert narrow.getvalue() == "\r 50% [############------------]  5.0 MB"


def test_progress_lines_are_periodic_in_a_pipe() -> None:
    pipe = io.StringIO()
    printer = ProgressPrinter(pipe, interval=3600)
    for done in range(0, 10_000_000, 1_000_000):
        printer(_progress(done))
    printer(_progress(10_000_000, "verifying", 0))
    printer(_progress(10_000_000, "done", 0))
    lines = pipe.getvalue().splitlines()
    assert lines == [
        "  0%  0 bytes of 10.0 MB  2.0 MB/s  ETA 0:05  Model-Q8_0.gguf",
        "verifying 100%  10.0 MB of 10.0 MB  Model-Q8_0.gguf",
    ]


def test_table_aligns_columns() -> None:
    assert table(["A", "SIZE"], [["long name", "1"], ["x", "100"]], right=(1,)).splitlines() == [
        "A          SIZE",
        "long name     1",
        "x           100",
    ]


def test_every_failure_reads_as_one_line() -> None:
    from app.cli.common import describe_error
    from app.core.hub.errors import DiskFullError

    full = DiskFullError("The disk is full: x.gguf needs 1.0 GB more and /m has 5 MB free.\nKept.")
    assert describe_error(full) == "The disk is full: x.gguf needs 1.0 GB more and /m has 5 MB free. Kept."
    assert describe_error(PermissionError(13, "Permission denied", "/m")) == "Permission denied: /m"
    assert describe_error(RuntimeError("boom")) == "unexpected error (RuntimeError): boom"
