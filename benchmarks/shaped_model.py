"""A GGUF with a real Qwen3's shape and random Q8_0 weights (DESIGN.md, technique 3).

It computes as much per token as the real model: the same layers, widths, heads and
vocabulary, so speed and memory figures measured on it hold for the real thing. What it
says is noise. The tokenizer is byte-level with one filler token per remaining id, so text of
N plain letters is about N tokens.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Shape:
    name: str
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    head_dim: int
    n_ff: int
    n_vocab: int
    context_length: int


# Qwen3-0.6B's config.json (GGUF context 40,960; tied embeddings).
QWEN3_0_6B = Shape("qwen3-0.6b-shape", 28, 1024, 16, 8, 128, 3072, 151936, 40960)


def default_path(shape: Shape = QWEN3_0_6B) -> Path:
    base = (
        os.environ.get("PONDER_BUILD_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "ponder-build" / "bench" / f"{shape.name}-q8_0.gguf"


def write_shaped_model(path: Path, shape: Shape = QWEN3_0_6B, seed: int = 0) -> Path:
    """Write the model (about 640 MB for Qwen3-0.6B) unless it is already there."""
    import gguf
    from gguf.quants import quantize

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    q8 = gguf.GGMLQuantizationType.Q8_0

    def weights(rows: int, cols: int) -> np.ndarray:
        return quantize((rng.standard_normal((rows, cols), dtype=np.float32) * 0.02), q8)

    byte_map = _bytes_to_unicode()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]
    tokens = [byte_map[b] for b in range(256)] + ["t0"]
    tokens += [f"<|filler_{i}|>" for i in range(shape.n_vocab - len(tokens) - len(specials))] + specials
    types = [gguf.TokenType.NORMAL] * (shape.n_vocab - len(specials)) + [gguf.TokenType.CONTROL] * 3
    types += [gguf.TokenType.USER_DEFINED] * 2

    tmp = path.with_suffix(".part")
    writer = gguf.GGUFWriter(str(tmp), "qwen3")
    writer.add_name(f"Ponder benchmark {shape.name} (random weights)")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_context_length(shape.context_length)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layers)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_key_length(shape.head_dim)
    writer.add_value_length(shape.head_dim)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(["t 0"])
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_add_bos_token(False)
    norm = np.ones(shape.n_embd, dtype=np.float32)
    writer.add_tensor("token_embd.weight", weights(shape.n_vocab, shape.n_embd), raw_dtype=q8)
    writer.add_tensor("output_norm.weight", norm)
    q_width, kv_width = shape.n_head * shape.head_dim, shape.n_head_kv * shape.head_dim
    for layer in range(shape.n_layers):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", norm)
        writer.add_tensor(p + "attn_q.weight", weights(q_width, shape.n_embd), raw_dtype=q8)
        writer.add_tensor(p + "attn_k.weight", weights(kv_width, shape.n_embd), raw_dtype=q8)
        writer.add_tensor(p + "attn_v.weight", weights(kv_width, shape.n_embd), raw_dtype=q8)
        writer.add_tensor(p + "attn_q_norm.weight", np.ones(shape.head_dim, dtype=np.float32))
        writer.add_tensor(p + "attn_k_norm.weight", np.ones(shape.head_dim, dtype=np.float32))
        writer.add_tensor(p + "attn_output.weight", weights(shape.n_embd, q_width), raw_dtype=q8)
        writer.add_tensor(p + "ffn_norm.weight", norm)
        writer.add_tensor(p + "ffn_gate.weight", weights(shape.n_ff, shape.n_embd), raw_dtype=q8)
        writer.add_tensor(p + "ffn_up.weight", weights(shape.n_ff, shape.n_embd), raw_dtype=q8)
        writer.add_tensor(p + "ffn_down.weight", weights(shape.n_embd, shape.n_ff), raw_dtype=q8)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map (byte-level BPE)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=default_path())
    args = parser.parse_args()
    print(write_shaped_model(args.path))


if __name__ == "__main__":
    main()
