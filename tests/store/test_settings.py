from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.chat.messages import Message
from app.core.chat.sampling import NO_THINKING_DEFAULTS, THINKING_DEFAULTS
from app.core.store import ChatStore
from app.core.store import settings as settings_mod
from app.core.store.settings import (
    AUTO_CONTEXT,
    DEFAULT_CONTEXT,
    ModelLoad,
    Settings,
    SettingsFile,
    config_dir,
    default_data_dir,
    load_settings,
    move_data_folder,
    save_settings,
)


def test_paths_follow_ponder_home(ponder_home: Path) -> None:
    assert config_dir() == ponder_home / "config"
    assert default_data_dir() == ponder_home / "data"
    assert SettingsFile().path == ponder_home / "config" / "settings.json"
    assert Settings().database_path() == ponder_home / "data" / "ponder.db"


def test_defaults_and_round_trip(ponder_home: Path) -> None:
    fresh = load_settings()
    assert fresh == Settings()
    assert fresh.sampling_for(True) == THINKING_DEFAULTS
    assert fresh.sampling_for(False) == NO_THINKING_DEFAULTS
    assert fresh.model_load("any") == ModelLoad()

    s = Settings()
    s.models["/m/qwen3-8b-q4_k_m.gguf"] = ModelLoad(
        n_ctx=32768, n_gpu_layers=20, n_threads=6, flash_attn=True
    )
    s.models["qwen3-0.6b"] = ModelLoad()
    s.sampling_thinking = s.sampling_thinking.with_overrides(temperature=0.5)
    s.sampling_no_thinking = s.sampling_no_thinking.with_overrides(presence_penalty=1.5)
    s.system_prompts = {"Terse": "Answer in one line.", "Pirate": "Talk like a pirate."}
    s.last_model = "qwen3-0.6b"
    s.theme = "dark"
    save_settings(s)
    loaded = load_settings()
    assert loaded == s
    assert loaded.sampling_for(True).temperature == 0.5


def test_tolerant_of_bad_values_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "theme": "purple",
                "last_model": 42,
                "future_key": {"x": 1},
                "sampling_thinking": {"temperature": "hot", "top_k": 40},
                "models": {"a": {"n_ctx": 4096, "n_gpu_layers": "lots"}, "b": "nonsense"},
                "system_prompts": {"ok": "fine", "bad": 3},
                "window_geometry": "***not base64***",
            }
        )
    )
    s = load_settings(path)
    assert s.theme == "system" and s.last_model is None
    assert s.sampling_thinking.temperature == THINKING_DEFAULTS.temperature
    assert s.sampling_thinking.top_k == 40
    assert s.models == {"a": ModelLoad(n_ctx=4096)}
    assert s.system_prompts == {"ok": "fine"}


def test_files_from_before_geometry_was_dropped_still_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "theme": "dark", "window_geometry": "AQL/"}))
    s = load_settings(path)
    assert s.theme == "dark"
    save_settings(s, path)
    assert "window_geometry" not in json.loads(path.read_text())


def test_one_default_context() -> None:
    """Models load with Auto (the largest context that fits) unless told otherwise, in the
    window and the engine alike; the fit is planned at DEFAULT_CONTEXT where no model decides."""
    from app.engine.protocol import LoadRequest

    assert ModelLoad().n_ctx == LoadRequest("m.gguf").n_ctx == AUTO_CONTEXT == 0
    assert ModelLoad().kv_cache == LoadRequest("m.gguf").kv_cache == "auto"
    assert DEFAULT_CONTEXT == 8192


def test_kv_cache_and_answer_reserve_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    s.models["m"] = ModelLoad(n_ctx=65536, kv_cache="q8_0")
    s.answer_reserve = 2048
    save_settings(s, path)
    loaded = load_settings(path)
    assert loaded.models["m"].kv_cache == "q8_0" and loaded.answer_reserve == 2048
    path.write_text(json.dumps({"version": 1, "models": {"m": {"kv_cache": "q5_1"}}, "answer_reserve": "x"}))
    bad = load_settings(path)
    assert bad.models["m"].kv_cache == "auto" and bad.answer_reserve is None


def test_migration_hook_runs_for_old_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(
        settings_mod.MIGRATIONS, 1, lambda d: {**d, "theme": d.pop("colour_scheme", "system")}
    )
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "colour_scheme": "light"}))
    s = load_settings(path)
    assert s.theme == "light" and s.version == 2


def _saved(path: Path, model: str) -> Settings:
    s = Settings(last_model=model)
    save_settings(s, path)
    return s


def test_crash_during_replace_keeps_last_good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    good = _saved(path, "first")
    real_replace = os.replace

    def crash(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == path:
            assert Path(src).read_bytes()  # the temp file was fully written
            raise OSError("power cut")
        real_replace(src, dst)

    with monkeypatch.context() as m, pytest.raises(OSError, match="power cut"):
        m.setattr(settings_mod.os, "replace", crash)
        save_settings(Settings(last_model="second"), path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json", "settings.json.bak"]
    f = SettingsFile(path)
    assert f.load() == good and f.loaded_from == "main"


def test_truncated_main_falls_back_to_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first = _saved(path, "first")
    second = _saved(path, "second")
    assert load_settings(path) == second
    assert json.loads((tmp_path / "settings.json.bak").read_text())["last_model"] == "first"

    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # a partial write from some other tool or a bad disk
    f = SettingsFile(path)
    assert f.load() == first and f.loaded_from == "backup"

    # Saving over a damaged main file must not overwrite the good backup with garbage.
    third = Settings(last_model="third")
    f.save(third)
    assert f.load() == third
    assert json.loads((tmp_path / "settings.json.bak").read_text())["last_model"] == "first"


def test_both_damaged_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\x00\x00{")
    (tmp_path / "settings.json.bak").write_text("[1, 2")
    f = SettingsFile(path)
    assert f.load() == Settings() and f.loaded_from == "defaults"
    assert SettingsFile(tmp_path / "missing.json").load() == Settings()


def test_move_data_folder(ponder_home: Path, tmp_path: Path) -> None:
    file = SettingsFile()
    s = file.load()
    old_db = s.database_path()
    with ChatStore(old_db) as store:
        chat = store.create_chat("moving")
        for i in range(50):
            store.add_message(chat.id, Message(role="user", content=f"message {i}"))
    target = tmp_path / "elsewhere"
    moved = move_data_folder(s, target, file)
    assert moved.data_dir == str(target.resolve())
    assert file.load().database_path() == target.resolve() / "ponder.db"
    assert not old_db.exists() and not Path(f"{old_db}-wal").exists()
    assert not list(target.glob("*.part"))
    with ChatStore(moved.database_path()) as store:
        assert store.count_messages(chat.id) == 50
        assert store.get_chat(chat.id).title == "moving"  # type: ignore[union-attr]

    with pytest.raises(FileExistsError):
        move_data_folder(Settings(), target, file)
    assert move_data_folder(moved, target, file) == moved


def test_move_data_folder_failure_leaves_everything(
    ponder_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = SettingsFile()
    s = file.load()
    with ChatStore(s.database_path()) as store:
        store.create_chat("stay")
    file.save(s)

    def refuse(self: SettingsFile, settings: Settings) -> None:
        raise OSError("disk full")

    target = tmp_path / "new"
    with monkeypatch.context() as m, pytest.raises(OSError, match="disk full"):
        m.setattr(SettingsFile, "save", refuse)
        move_data_folder(s, target, file)
    assert s.database_path().is_relative_to(ponder_home)
    assert s.database_path().exists()
    assert list(target.iterdir()) == []
    assert file.load().data_dir is None


def test_models_dir_round_trips_and_is_tolerant(ponder_home: Path, tmp_path: Path) -> None:
    assert load_settings().models_dir is None
    s = Settings(models_dir=str(tmp_path / "my models"))
    save_settings(s)
    assert load_settings().models_dir == str(tmp_path / "my models")
    assert Settings.from_dict({"models_dir": 42}).models_dir is None  # a bad value: the default
    assert Settings.from_dict({"models_dir": None}).models_dir is None
