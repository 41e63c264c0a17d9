"""Search and repository listings through huggingface_hub, against the local Hub."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from app.core.hub.errors import AuthRequiredError, NetworkError, NotFoundError
from app.core.hub.plan import plan_catalog, plan_hub_model, plan_repo_file
from app.core.hub.search import (
    list_gguf_files,
    list_gguf_models,
    quant_from_name,
    search_gguf_repos,
)
from app.core.models.catalog import load_catalog, parse_catalog
from tests.hub.local_hub import LocalHub

SPLIT = [f"Q4_K_M/Qwen3-235B-A22B-Q4_K_M-{i:05d}-of-00003.gguf" for i in (1, 2, 3)]


def fill(hub: LocalHub) -> None:
    hub.add_file("Qwen/Qwen3-0.6B-GGUF", "Qwen3-0.6B-Q8_0.gguf", b"a" * 100)
    hub.add_file("Qwen/Qwen3-0.6B-GGUF", "README.md", b"# readme", lfs=False)
    hub.add_file("Qwen/Qwen3-0.6B-GGUF", "params", b"{}", lfs=False)
    hub.repos["Qwen/Qwen3-0.6B-GGUF"].downloads = 500
    for i, name in enumerate(SPLIT):
        hub.add_file("unsloth/Qwen3-235B-A22B-GGUF", name, bytes([i]) * (1000 + i))
    hub.add_file("unsloth/Qwen3-235B-A22B-GGUF", "Qwen3-235B-A22B-UD-Q2_K_XL.gguf", b"u" * 50)
    hub.add_file("unsloth/Qwen3-235B-A22B-GGUF", "mmproj-F16.gguf", b"m" * 10)
    hub.repos["unsloth/Qwen3-235B-A22B-GGUF"].downloads = 900
    hub.add_file("Qwen/Qwen3-8B", "model.safetensors", b"s" * 10)


def test_search_finds_gguf_repositories(hub: LocalHub) -> None:
    fill(hub)
    results = search_gguf_repos("qwen3")
    assert [r.repo for r in results] == ["unsloth/Qwen3-235B-A22B-GGUF", "Qwen/Qwen3-0.6B-GGUF"]
    assert results[0].downloads == 900 and "gguf" in results[0].tags and not results[0].gated
    assert search_gguf_repos("0.6b")[0].repo == "Qwen/Qwen3-0.6B-GGUF"
    assert search_gguf_repos("nothing-like-this") == []
    request = next(r for r in hub.requests if r["path"].startswith("/api/models?"))
    assert "filter=gguf" in request["path"] and "search=qwen3" in request["path"]
    # No telemetry: huggingface_hub's agent-registry fetch is switched off.
    assert not any("agent-harnesses" in r["path"] for r in hub.requests)


def test_listing_groups_split_files(hub: LocalHub) -> None:
    fill(hub)
    models = list_gguf_models("unsloth/Qwen3-235B-A22B-GGUF")
    assert [m.name for m in models] == ["Qwen3-235B-A22B-Q4_K_M", "Qwen3-235B-A22B-UD-Q2_K_XL"]
    split = models[0]
    assert split.is_split and split.complete and split.quant == "Q4_K_M"
    assert [f.path for f in split.files] == SPLIT
    assert split.size == 1000 + 1001 + 1002
    assert split.files[1].sha256 == hashlib.sha256(bytes([1]) * 1001).hexdigest()
    assert split.revision == hub.repos["unsloth/Qwen3-235B-A22B-GGUF"].commit
    assert models[1].quant == "UD-Q2_K_XL" and not models[1].is_split


def test_listing_without_sizes_uses_the_tree(hub: LocalHub) -> None:
    fill(hub)
    hub.omit_sizes_in_info = True
    listing = list_gguf_files("Qwen/Qwen3-0.6B-GGUF")
    assert [(f.path, f.size) for f in listing.files] == [("Qwen3-0.6B-Q8_0.gguf", 100)]
    assert listing.files[0].sha256 == hashlib.sha256(b"a" * 100).hexdigest()
    assert any("/tree/" in r["path"] for r in hub.requests)


def test_private_gated_and_missing_repositories(hub: LocalHub) -> None:
    fill(hub)
    hub.protect("Qwen/Qwen3-0.6B-GGUF", "hf_tok")
    with pytest.raises(AuthRequiredError, match="private"):
        list_gguf_models("Qwen/Qwen3-0.6B-GGUF")
    assert list_gguf_models("Qwen/Qwen3-0.6B-GGUF", token="hf_tok")[0].quant == "Q8_0"
    hub.protect("unsloth/Qwen3-235B-A22B-GGUF", "hf_tok", gated=True)
    with pytest.raises(AuthRequiredError, match="gated"):
        list_gguf_models("unsloth/Qwen3-235B-A22B-GGUF")
    with pytest.raises(NotFoundError, match="nobody/nothing was not found"):
        list_gguf_models("nobody/nothing")


def test_hub_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalHub() as hub:
        endpoint = hub.endpoint
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="Could not reach the Hugging Face Hub"):
        list_gguf_models("Qwen/Qwen3-0.6B-GGUF")
    with pytest.raises(NetworkError, match=r"Could not reach .* for the search for 'qwen3'"):
        search_gguf_repos("qwen3")
    assert time.monotonic() - started < 5  # said at once, not after a minute of retries


def test_quant_names() -> None:
    cases = {
        "Qwen3-8B-Q4_K_M.gguf": "Q4_K_M",
        "Q8_0/Qwen3-235B-A22B-Q8_0-00001-of-00006.gguf": "Q8_0",
        "Qwen3-30B-A3B-UD-Q4_K_XL.gguf": "UD-Q4_K_XL",
        "qwen3-0.6b-iq4_xs.gguf": "IQ4_XS",
        "model-bf16.gguf": "BF16",
        "Qwen3-4B-Instruct-2507-Q5_0.gguf": "Q5_0",
        "llama.gguf": None,
    }
    for name, quant in cases.items():
        assert quant_from_name(name) == quant, name


def test_plans(hub: LocalHub) -> None:
    fill(hub)
    plan = plan_repo_file("unsloth/Qwen3-235B-A22B-GGUF", "Qwen3-235B-A22B-Q4_K_M-00002-of-00003.gguf")
    assert [f.path for f in plan.files] == SPLIT and plan.size == 3003
    assert all(f.revision == hub.repos["unsloth/Qwen3-235B-A22B-GGUF"].commit for f in plan.files)
    with pytest.raises(NotFoundError, match="is not in"):
        plan_repo_file("Qwen/Qwen3-0.6B-GGUF", "Qwen3-0.6B-Q2_K.gguf")

    plan = plan_catalog("qwen3-0.6b:q8_0")
    assert plan.name == "qwen3-0.6b:q8_0" and [f.path for f in plan.files] == ["Qwen3-0.6B-Q8_0.gguf"]
    assert plan.files[0].size == 100

    # The catalog says 3 parts at Q4_K_M; the repository has them: exact match.
    plan = plan_catalog("qwen3-235b-a22b:q4_k_m")
    assert [f.path for f in plan.files] == SPLIT


def test_stale_catalog_names_fall_back_to_the_same_quant(hub: LocalHub, tmp_path: Path) -> None:
    fill(hub)
    doc = {
        "models": [
            {
                **{k: v for k, v in vars(load_catalog().get("qwen3-235b-a22b")).items() if k != "quants"},
                "experts": {"count": 128, "used": 8},
                "quants": {
                    "Q4_K_M": {
                        "repo": "unsloth/Qwen3-235B-A22B-GGUF",
                        "files": [f"Qwen3-235B-A22B-Q4_K_M-{i:05d}-of-00005.gguf" for i in range(1, 6)],
                        "size": 1,
                    },
                    "Q8_0": {
                        "repo": "unsloth/Qwen3-235B-A22B-GGUF",
                        "files": ["Qwen3-235B-A22B-Q8_0.gguf"],
                        "size": 1,
                    },
                },
            }
        ]
    }
    catalog = parse_catalog(doc)
    assert [f.path for f in plan_catalog("qwen3-235b-a22b:q4_k_m", catalog).files] == SPLIT
    with pytest.raises(NotFoundError, match=r"Qwen3-235B-A22B-Q8_0\.gguf is no longer in"):
        plan_catalog("qwen3-235b-a22b:q8_0", catalog)


def test_incomplete_split_on_the_hub_is_refused(hub: LocalHub) -> None:
    fill(hub)
    del hub.repos["unsloth/Qwen3-235B-A22B-GGUF"].files[SPLIT[2]]
    [model, _] = list_gguf_models("unsloth/Qwen3-235B-A22B-GGUF")
    assert not model.complete
    with pytest.raises(NotFoundError, match="missing some of its parts"):
        plan_hub_model(model)
