"""What the core and the engines say reaches a Chinese window in Chinese.

The messages are made by the real code (fit estimates, the GPU advice, Hub and engine
errors), so a change of wording there that the window's templates miss fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.gguf.check import GGUFCheckError, check_gguf_file
from app.core.gguf.header import GGUFError, read_header
from app.core.hub.search import translate_hub_error
from app.core.models.catalog import load_catalog
from app.core.models.fit import ModelShape, check_fit
from app.core.models.hardware import GPUInfo, Hardware
from app.engine.local.capabilities import gpu_advice
from app.engine.local.engine import _crash_message
from app.engine.local.generation import _context_full
from app.engine.local.offload import spread_note
from app.engine.local.rpc import SECURITY_WARNING, lost_message, parse_endpoints
from app.engine.remote.http import RemoteError, parse_address
from app.ui.common.core_text import TEMPLATES, chat_title, from_core
from app.ui.common.i18n import install_language
from app.ui.common.qt import QApplication, QFont

LATIN_WORDS = re.compile(r"\b(?!GPU|CPU|RAM|KV|GGUF|RPC|HOST|PORT|README|RTX|token)[A-Za-z]{3,}\b")
SAME = {"GPU", "CPU"}  # badges that read the same in Chinese
GB = 10**9


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    font = QFont(qapp.font())
    install_language(qapp, "zh_CN")
    yield
    install_language(qapp, "en")
    qapp.setFont(font)


def english_left(text: str) -> list[str]:
    cleaned = re.sub(r"\S*[/\\.:]\S*|\w*_\w*|llama[-.]cpp\S*|(?i:qwen)\S*|Ponder|Hugging Face|Hub", " ", text)
    return LATIN_WORDS.findall(cleaned)


def fits() -> list[str]:
    model = next(m for m in load_catalog() if m.id.endswith("8b"))
    quant = model.quant(model.default_quant)
    shape = ModelShape.from_catalog(model)
    cpu = Hardware(ram_total=64 * GB, ram_available=48 * GB, cpu_physical=8, cpu_logical=16)
    small = Hardware(ram_total=4 * GB, ram_available=2 * GB, cpu_physical=2, cpu_logical=2)
    gpu = GPUInfo("RTX 4090", 24 * GB, 22 * GB, "cuda")
    big_gpu = Hardware(64 * GB, 48 * GB, 8, 16, gpus=(gpu,), gpu_offload=True)
    small_gpu = Hardware(
        64 * GB, 48 * GB, 8, 16, gpus=(GPUInfo("GTX", 4 * GB, 3 * GB, "cuda"),), gpu_offload=True
    )
    worker = Hardware(64 * GB, 48 * GB, 8, 16, remote=(GPUInfo("192.168.1.7:50052", 8 * GB, 6 * GB),))
    found = []
    for hw in (cpu, small, big_gpu, small_gpu, worker):
        fit = check_fit(shape, quant.size, 8192, hw)
        found += [fit.badge, fit.message]
    return found


def file_problems(folder: Path) -> list[str]:
    """What the file checks say about a missing, an empty, a foreign and a cut-off file."""
    found = []
    (folder / "empty.gguf").write_bytes(b"")
    (folder / "text.gguf").write_bytes(b"hello world, not a model")
    (folder / "cut.gguf").write_bytes(b"GGU")
    for name in ("missing.gguf", "empty.gguf", "text.gguf", "cut.gguf"):
        try:
            read_header(folder / name)
        except GGUFError as exc:
            found.append(str(exc))
        try:
            check_gguf_file(folder / name)
        except GGUFCheckError as exc:
            found.append(str(exc))
    return found


def messages() -> list[str]:
    gpu_box = Hardware(64 * GB, 48 * GB, 8, 16, gpus=(GPUInfo("RTX 4090", 24 * GB, 22 * GB, "cuda"),))
    worker = {"device": "RPC0[192.168.1.7:50052]", "endpoint": "192.168.1.7:50052", "layers": 20}
    here = {"device": "CPU", "endpoint": None, "layers": 1}
    offload = [{**worker, "weights_mib": 900, "kv_mib": 100}, {**here, "weights_mib": 300, "kv_mib": 20}]
    found = [
        *fits(),
        gpu_advice(Hardware(16 * GB, 8 * GB, 4, 8), False) or "",
        gpu_advice(gpu_box, None) or "",
        _crash_message(-9),
        _crash_message(-6),
        _crash_message(3),
        _context_full(9000, 8192, 1).message,
        spread_note({"offload": offload}),
        lost_message(("192.168.1.7:50052",)),
        lost_message(("a:1", "b:2", "c:3")),
        str(translate_hub_error(ConnectionRefusedError("refused"), "the search for 'qwen'")),
        SECURITY_WARNING.format(endpoint="0.0.0.0:50052"),
    ]
    for bad in ("host:port", "host:99999"):
        with pytest.raises(ValueError) as caught:
            parse_endpoints(bad)
        found.append(str(caught.value))
    for address in ("ftp://gpu-box", "http://"):
        with pytest.raises(RemoteError) as refused:
            parse_address(address)
        found.append(refused.value.message)
    return found


@pytest.mark.parametrize("text", messages())
def test_core_messages_read_in_chinese(chinese: None, text: str) -> None:
    shown = from_core(text)
    assert (shown != text or text in SAME) and not english_left(shown), (text, shown)


def test_file_problems_read_in_chinese(chinese: None, tmp_path: Path) -> None:
    problems = file_problems(tmp_path)
    assert len(problems) == 8
    for text in problems:
        shown = from_core(text)
        assert shown != text and not english_left(shown), (text, shown)


def test_english_is_left_as_written(qapp: QApplication) -> None:
    for text in messages():
        assert from_core(text) == text.strip()
    assert from_core("Something no template knows. Nor this.") == "Something no template knows. Nor this."


def test_unknown_sentences_stay_and_known_ones_are_translated(chinese: None) -> None:
    shown = from_core("The engine is not running. The cause is unknown.")
    assert shown == "引擎没有运行。The cause is unknown."


def test_the_untitled_chat_is_named_in_the_window_language(chinese: None) -> None:
    assert chat_title("New chat") == "新对话" and chat_title("") == "新对话"
    assert chat_title("翻译一段话") == "翻译一段话"


def test_templates_are_unique() -> None:
    assert len(set(TEMPLATES)) == len(TEMPLATES)
