"""The Qwen3 catalog: data checks and name resolution."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from app.core.gguf.split import logical_name, parse_split_name
from app.core.models.catalog import CatalogError, load_catalog, parse_catalog

# Qwen3 config.json figures: layers, query heads, KV heads, head dim, hidden size.
ARCH = {
    "qwen3-0.6b": (28, 16, 8, 128, 1024),
    "qwen3-1.7b": (28, 16, 8, 128, 2048),
    "qwen3-4b": (36, 32, 8, 128, 2560),
    "qwen3-8b": (36, 32, 8, 128, 4096),
    "qwen3-14b": (40, 40, 8, 128, 5120),
    "qwen3-32b": (64, 64, 8, 128, 5120),
    "qwen3-30b-a3b": (48, 32, 4, 128, 2048),
    "qwen3-235b-a22b": (94, 64, 4, 128, 4096),
    "qwen3-4b-instruct-2507": (36, 32, 8, 128, 2560),
    "qwen3-4b-thinking-2507": (36, 32, 8, 128, 2560),
    "qwen3-30b-a3b-instruct-2507": (48, 32, 4, 128, 2048),
    "qwen3-30b-a3b-thinking-2507": (48, 32, 4, 128, 2048),
}


def test_every_model_and_its_architecture() -> None:
    catalog = load_catalog()
    assert {m.id for m in catalog} == set(ARCH)
    for model in catalog:
        assert (model.n_layers, model.n_heads, model.n_kv_heads, model.head_dim, model.n_embd) == ARCH[
            model.id
        ]
        assert model.n_vocab == 151936


def test_thinking_modes_and_context() -> None:
    catalog = load_catalog()
    for model in catalog:
        if "instruct-2507" in model.id:
            assert model.thinking == "never"
        elif "thinking-2507" in model.id:
            assert model.thinking == "always"
        else:
            assert model.thinking == "hybrid"
        if "2507" in model.id:
            assert model.native_context == model.context_length == 262144
        else:
            assert (model.native_context, model.context_length) == (32768, 40960)


def test_moe_entries() -> None:
    catalog = load_catalog()
    moe = {m.id for m in catalog if m.is_moe}
    assert moe == {m for m in ARCH if "-a3b" in m or "-a22b" in m}
    for model_id in moe:
        model = catalog.get(model_id)
        assert model.arch == "qwen3moe" and model.experts is not None
        assert (model.experts.count, model.experts.used) == (128, 8)
        assert model.active_params is not None and model.active_params < model.params / 5


def test_official_repos_and_file_names() -> None:
    catalog = load_catalog()
    for size in ("0.6B", "1.7B"):
        model = catalog.get(f"qwen3-{size.lower()}")
        official = {q for q, f in model.quants.items() if f.repo.startswith("Qwen/")}
        assert official == {"Q8_0"}
        assert model.quant("q8_0").files == (f"Qwen3-{size}-Q8_0.gguf",)
        assert model.quant("Q4_K_M").repo == f"unsloth/Qwen3-{size}-GGUF"
        assert model.quant("Q4_K_M").files == (f"Qwen3-{size}-Q4_K_M.gguf",)
    for size in ("4B", "8B", "14B", "32B", "30B-A3B"):
        model = catalog.get(f"qwen3-{size.lower()}")
        official = {q for q, f in model.quants.items() if f.repo == f"Qwen/Qwen3-{size}-GGUF"}
        assert official == {"Q4_K_M", "Q5_0", "Q5_K_M", "Q6_K", "Q8_0"}
        assert model.quant("Q4_K_M").files == (f"Qwen3-{size}-Q4_K_M.gguf",)
        assert {"IQ4_XS", "Q3_K_M", "Q2_K"} <= set(model.quants)


def test_files_name_their_model_and_quant() -> None:
    for model in load_catalog():
        for quant, files in model.quants.items():
            assert files.repo in model.repos
            for path in files.files:
                stem = logical_name(path)
                assert stem.endswith(f"-{quant}"), path
                assert stem.lower().startswith(model.id + "-"), path


def test_split_quants_are_whole_sets_in_their_folders() -> None:
    model = load_catalog().get("qwen3-235b-a22b")
    assert model.quant("Q8_0").files[0] == "Q8_0/Qwen3-235B-A22B-Q8_0-00001-of-00006.gguf"
    for quant, files in model.quants.items():
        assert files.is_split
        splits = [parse_split_name(f) for f in files.files]
        assert all(s is not None for s in splits)
        assert [s.index for s in splits if s] == list(range(1, len(files.files) + 1))
        assert {s.count for s in splits if s} == {len(files.files)}
        assert {PurePosixPath(f).parent.name for f in files.files} == {quant}


def test_sizes_grow_with_quality() -> None:
    catalog = load_catalog()
    for model in catalog:
        ordered = sorted(model.quants.values(), key=lambda f: catalog.quant_rank(f.quant))
        sizes = [f.size for f in ordered]
        assert sizes == sorted(sizes), model.id
        # Q8_0 is about 8.5 bits a weight: the size must be near params * 8.5 / 8.
        q8 = model.quant("Q8_0").size
        assert 0.9 < q8 / (model.params * 8.5 / 8) < 1.15, model.id


def test_resolve_names() -> None:
    catalog = load_catalog()
    r = catalog.resolve("qwen3-0.6b:q8_0")
    assert (r.repo, r.files.files, r.spec) == (
        "Qwen/Qwen3-0.6B-GGUF",
        ("Qwen3-0.6B-Q8_0.gguf",),
        "qwen3-0.6b:q8_0",
    )
    assert catalog.resolve("Qwen3-8B").files.quant == "Q4_K_M"  # the default quant
    assert catalog.resolve("qwen3-0.6b").files.quant == "Q8_0"
    assert catalog.resolve("qwen3-235b-a22b:Q2_K").files.is_split


def test_unknown_names_say_what_exists() -> None:
    catalog = load_catalog()
    with pytest.raises(CatalogError, match="Did you mean qwen3-8b"):
        catalog.resolve("qwen3-9b")
    with pytest.raises(CatalogError, match=r"no Q1_0 quant.*Q8_0"):
        catalog.resolve("qwen3-8b:q1_0")


def test_find_file() -> None:
    catalog = load_catalog()
    found = catalog.find_file("some/folder/Qwen3-0.6B-Q8_0.gguf")
    assert found is not None and found.spec == "qwen3-0.6b:q8_0"
    part = catalog.find_file("Qwen3-235B-A22B-Q8_0-00003-of-00006.gguf")
    assert part is not None and part.spec == "qwen3-235b-a22b:q8_0"
    assert catalog.find_file("llama-7b.gguf") is None


def test_malformed_catalogs_are_refused() -> None:
    entry = {
        "id": "x", "name": "X", "arch": "qwen3", "thinking": "sometimes", "params": 1, "n_layers": 1,
        "n_heads": 1, "n_kv_heads": 1, "head_dim": 1, "n_embd": 1, "n_vocab": 1, "context_length": 1,
        "native_context": 1, "repos": ["a/b"], "default_quant": "Q8_0",
        "quants": {"Q8_0": {"repo": "a/b", "files": ["x.gguf"], "size": 1}},
    }  # fmt: skip
    with pytest.raises(CatalogError, match="thinking"):
        parse_catalog({"models": [entry]})
    good = {**entry, "thinking": "hybrid"}
    assert len(parse_catalog({"models": [good]})) == 1
    with pytest.raises(CatalogError, match="twice"):
        parse_catalog({"models": [good, good]})
    with pytest.raises(CatalogError, match="no Q4_K_M"):
        parse_catalog({"models": [{**good, "default_quant": "Q4_K_M"}]})
    with pytest.raises(CatalogError, match="malformed"):
        parse_catalog({"models": [{"id": "y"}]})
