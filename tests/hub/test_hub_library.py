"""The local model library: folders, listing, adding, removing, resolving names."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.gguf.header import GGUFError, TruncatedGGUFError
from app.core.hub.download import Downloader, RemoteFile, part_path
from app.core.hub.library import (
    ModelLibrary,
    ModelNotFoundError,
    default_models_dir,
    platform_models_dir,
    resolve_model_name,
)
from app.core.store.settings import Settings, load_settings, save_settings
from tests.hub.local_hub import LocalHub

REPO = "Qwen/Qwen3-0.6B-GGUF"
FILE = "Qwen3-0.6B-Q8_0.gguf"


def test_models_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PONDER_HOME", str(tmp_path / "home"))
    assert default_models_dir() == tmp_path / "home" / "models"
    assert ModelLibrary().root == tmp_path / "home" / "models"
    monkeypatch.delenv("PONDER_HOME")
    assert default_models_dir().name == "models" and "Ponder" in str(default_models_dir())
    assert ModelLibrary(tmp_path / "chosen").root == tmp_path / "chosen"
    assert ModelLibrary(tmp_path / "chosen").downloads_state_path == tmp_path / "chosen" / "downloads.json"
    assert (
        ModelLibrary(tmp_path).download_dir("unsloth/Qwen3-8B-GGUF") == tmp_path / "unsloth" / "Qwen3-8B-GGUF"
    )


def test_models_folder_chosen_in_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PONDER_HOME", str(home))
    save_settings(Settings(models_dir=str(tmp_path / "chosen")))
    assert (home / "config" / "settings.json").is_file()  # PONDER_HOME still places the settings
    assert default_models_dir() == tmp_path / "chosen"
    assert ModelLibrary().root == tmp_path / "chosen"
    assert platform_models_dir() == home / "models"
    settings = load_settings()
    settings.models_dir = None
    save_settings(settings)
    assert default_models_dir() == home / "models"  # unset again: the default folder


def test_downloaded_model_is_listed_and_resolved(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    library = ModelLibrary(tmp_path / "models")
    Downloader(token=False).download([RemoteFile(REPO, FILE)], library.download_dir(REPO))
    part_path(library.download_dir(REPO) / "Other-Q4_K_M.gguf").write_bytes(b"half")  # not a model yet

    [model] = library.models()
    assert model.name == "Qwen3-0.6B-Q8_0" and model.usable
    assert model.path == tmp_path / "models" / "Qwen" / "Qwen3-0.6B-GGUF" / FILE
    assert (model.repo, model.catalog_spec, model.referenced) == (REPO, "qwen3-0.6b:q8_0", False)
    assert (model.arch, model.context_length, model.size) == ("qwen3", 4096, len(gguf_bytes))
    assert model.quant == "F32"  # what the file says (the scripted model is f32)
    assert model.n_params and model.n_params > 0

    for name in ("qwen3-0.6b:q8_0", "QWEN3-0.6B", "Qwen3-0.6B-Q8_0", FILE, str(model.path), "0.6B"):
        assert library.resolve(name) == model.path, name
    with pytest.raises(
        ModelNotFoundError, match=r"qwen3-8b:q4_k_m is not downloaded yet.*ponder models download"
    ):
        library.resolve("qwen3-8b")
    with pytest.raises(ModelNotFoundError, match=r"No model called 'mistral'.*Downloaded: Qwen3-0\.6B-Q8_0"):
        library.resolve("mistral")


def test_add_by_reference_and_remove(tmp_path: Path, gguf_bytes: bytes) -> None:
    outside = tmp_path / "elsewhere" / "my-model.gguf"
    outside.parent.mkdir()
    outside.write_bytes(gguf_bytes)
    library = ModelLibrary(tmp_path / "models")
    added = library.add(outside)
    assert added.referenced and added.path == outside.resolve()
    again = ModelLibrary(tmp_path / "models")  # remembered across sessions
    assert [m.name for m in again.models()] == ["my-model"]
    assert again.resolve("my-model") == outside.resolve()
    again.remove("my-model")
    assert outside.exists()  # a referenced file is never deleted
    assert again.models() == []


def test_add_by_copy_and_remove(tmp_path: Path, gguf_bytes: bytes) -> None:
    outside = tmp_path / "my-model.gguf"
    outside.write_bytes(gguf_bytes)
    library = ModelLibrary(tmp_path / "models")
    added = library.add(outside, copy=True)
    assert not added.referenced and added.path == tmp_path / "models" / "local" / "my-model.gguf"
    assert added.path.read_bytes() == gguf_bytes
    with pytest.raises(FileExistsError):
        library.add(outside, copy=True)
    library.remove(added.path)
    assert not added.path.exists() and outside.exists()


def test_broken_files_are_refused_or_flagged(tmp_path: Path, gguf_bytes: bytes) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(gguf_bytes[:-4096])
    library = ModelLibrary(tmp_path / "models")
    with pytest.raises(TruncatedGGUFError):
        library.add(cut)
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(GGUFError, match="not a GGUF"):
        library.add(text)

    inside = tmp_path / "models" / "local"
    inside.mkdir(parents=True)
    (inside / "cut.gguf").write_bytes(gguf_bytes[:-4096])
    [model] = library.models()
    assert not model.usable and model.problem and "incomplete" in model.problem


def test_split_models_are_one_entry(tmp_path: Path, hub: LocalHub, gguf_bytes: bytes) -> None:
    import gguf
    import numpy as np

    src = tmp_path / "src"
    src.mkdir()
    writer = gguf.GGUFWriter(str(src / "Big-Q8_0.gguf"), "qwen3", split_max_tensors=1)
    writer.add_name("big")
    writer.add_context_length(1024)
    for i in range(2):
        writer.add_tensor(f"t{i}", np.zeros((16, 16), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    folder = tmp_path / "models" / "someone" / "Big-GGUF"
    folder.mkdir(parents=True)
    for p in sorted(src.iterdir()):
        (folder / p.name).write_bytes(p.read_bytes())
    library = ModelLibrary(tmp_path / "models")
    [model] = library.models()
    assert model.name == "Big-Q8_0" and len(model.parts) == 2 and model.usable
    assert model.size == sum(p.stat().st_size for p in src.iterdir())
    assert model.n_params == 2 * 16 * 16 and model.repo == "someone/Big-GGUF"
    assert library.resolve(folder / "Big-Q8_0-00002-of-00002.gguf") == folder / "Big-Q8_0-00001-of-00002.gguf"

    (folder / "Big-Q8_0-00002-of-00002.gguf").unlink()
    [model] = library.models()
    assert not model.usable and "missing" in (model.problem or "")
    library.remove("Big-Q8_0")
    assert list(folder.iterdir()) == []


def test_resolve_model_name_for_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gguf_bytes: bytes
) -> None:
    monkeypatch.setenv("PONDER_HOME", str(tmp_path))
    folder = tmp_path / "models" / "local"
    folder.mkdir(parents=True)
    (folder / "Mine-Q8_0.gguf").write_bytes(gguf_bytes)
    assert resolve_model_name("Mine-Q8_0") == folder / "Mine-Q8_0.gguf"
    assert resolve_model_name("nothing") is None
