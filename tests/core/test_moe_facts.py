"""An MoE file outside the catalog: its active parameters come from its expert tensors' shapes
(issue #11). A header-only GGUF with Qwen3-30B-A3B's real tensor shapes stands in for the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.core.gguf.header import read_header
from app.core.gguf.model import read_model
from app.core.models.catalog import load_catalog
from app.core.models.fit import ModelShape

VOCAB, EMBD, LAYERS, HEADS, KV_HEADS, HEAD_DIM = 151_936, 2048, 48, 32, 4, 128
EXPERTS, USED, EXPERT_FF = 128, 8, 768


def write_header_only(path: Path) -> None:
    """Qwen3-30B-A3B's metadata and tensor records, without the tensor data."""
    import gguf

    writer = gguf.GGUFWriter(str(path), "qwen3moe")
    writer.add_name("Qwen3 30B A3B (shapes only)")
    writer.add_block_count(LAYERS)
    writer.add_context_length(40960)
    writer.add_embedding_length(EMBD)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_key_length(HEAD_DIM)
    writer.add_expert_count(EXPERTS)
    writer.add_expert_used_count(USED)
    writer.add_expert_feed_forward_length(EXPERT_FF)
    shapes: dict[str, tuple[int, ...]] = {
        "token_embd.weight": (VOCAB, EMBD),
        "output.weight": (VOCAB, EMBD),
        "output_norm.weight": (EMBD,),
    }
    for i in range(LAYERS):
        p = f"blk.{i}."
        shapes |= {
            p + "attn_norm.weight": (EMBD,),
            p + "attn_q.weight": (HEADS * HEAD_DIM, EMBD),
            p + "attn_k.weight": (KV_HEADS * HEAD_DIM, EMBD),
            p + "attn_v.weight": (KV_HEADS * HEAD_DIM, EMBD),
            p + "attn_output.weight": (EMBD, HEADS * HEAD_DIM),
            p + "attn_q_norm.weight": (HEAD_DIM,),
            p + "attn_k_norm.weight": (HEAD_DIM,),
            p + "ffn_norm.weight": (EMBD,),
            p + "ffn_gate_inp.weight": (EXPERTS, EMBD),
            p + "ffn_gate_exps.weight": (EXPERTS, EXPERT_FF, EMBD),
            p + "ffn_up_exps.weight": (EXPERTS, EXPERT_FF, EMBD),
            p + "ffn_down_exps.weight": (EXPERTS, EMBD, EXPERT_FF),
        }
    for name, shape in shapes.items():
        writer.add_tensor_info(name, shape, np.dtype(np.float32), int(np.prod(shape)) * 4)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()


def test_30b_a3b_outside_the_catalog_has_its_real_active_parameters(tmp_path: Path) -> None:
    path = tmp_path / "Qwen3-30B-A3B-shapes.gguf"
    write_header_only(path)
    shape = ModelShape.from_header(read_header(path))
    catalog = load_catalog().get("qwen3-30b-a3b")
    assert shape.n_params == pytest.approx(catalog.params, rel=0.01)
    assert shape.active_params is not None
    # 3.3B (attention, embeddings and the router always run; 8 of 128 experts), not 1.9B.
    assert shape.active_params == pytest.approx(catalog.active_params, rel=0.03)
    assert shape.active_params == pytest.approx(3.35e9, rel=0.01)


def test_a_scripted_moe_model_counts_its_expert_share(qwen3moe_model: object) -> None:
    from app.testkit.scripted_model import ScriptedModel

    assert isinstance(qwen3moe_model, ScriptedModel)
    model = read_model(qwen3moe_model.path)
    header = model.header
    experts = model.expert_params
    assert 0 < experts < model.n_params
    shape = ModelShape.from_header(model)
    used, count = header.expert_used_count, header.expert_count
    assert used is not None and count is not None
    assert shape.active_params == model.n_params - experts + experts * used // count
