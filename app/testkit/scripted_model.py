"""Write tiny Qwen3 GGUF files whose greedy output is a known script.

The model is a bigram machine that real llama.cpp runs like any other model:
one-hot token embeddings (so the residual stream is the current token), zero
attention-output and FFN-down weights (so no layer changes it), unit norms, and
an output matrix whose row for token B has a large weight at column A exactly
when B should follow A. Whatever the prompt, the next token depends only on the
last one, so a prompt ending in the chat template's generation prefix makes the
model emit ``<think>``, the scripted reasoning, ``</think>``, the answer and
``<|im_end|>``.

Used by the tests, the benchmark and ``ponder --self-test``; it needs only
``gguf`` and ``numpy``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "CHINESE_ANSWER",
    "CHINESE_THINKING",
    "DEFAULT_ANSWER",
    "DEFAULT_THINKING",
    "SECOND_CHOICE_MARGIN",
    "TEMPLATES",
    "Script",
    "ScriptedModel",
    "chat_template",
    "qwen3_chat_template",
    "write_scripted_model",
]

# Each piece becomes one token; "é" is spelled as two raw byte tokens so that the
# model emits a multi-byte character split across tokens (see BYTE_PIECES).
DEFAULT_THINKING: tuple[str, ...] = (
    "\nOkay",
    ", the",
    " user",
    " wants",
    " a",
    " greeting.",
    " Let",
    " me",
    " think",
    " about",
    " the",
    " caf",
    "\xc3",
    "\xa9",
    " first.",
    "\nThen",
    " we",
    " will",
    " answer",
    " politely.\n",
)
DEFAULT_ANSWER: tuple[str, ...] = ("Hello", "!", " How", " can", " I", " help", " you", " today?")
# Qwen3 reasons in Chinese when asked in Chinese: no spaces, full-width punctuation (each
# piece once: a bigram machine cannot follow "。" with two different words).
CHINESE_THINKING: tuple[str, ...] = (
    "\n好的",
    "。",
    "用户",
    "想要",
    "一个",
    "问候",
    "！",
    "我们",
    "先",
    "想",
    "一下",
    "，",
    "再",
    "检查",
    "语气",
    "；",
    "然后",
    "回答",
    "。\n",
)
CHINESE_ANSWER: tuple[str, ...] = ("你好！", "有什么", "可以", "帮", "你的", "吗？")

# Pieces written as "\xNN" with NN >= 0x80 stand for a single raw byte token; pieces written
# "<|name|>" are control tokens, as in Qwen's vocabulary; any other piece is a user-defined token.
_EOS = "<|im_end|>"
# How far below the script's own next token a second choice is, in logits.
SECOND_CHOICE_MARGIN = 1.0
_SPECIAL_CONTROL = ("<|endoftext|>", "<|im_start|>", _EOS)
_THINK_TAGS = ("<think>", "</think>")


# The chat templates a scripted model can carry, by name: Qwen3's own (hybrid thinking), the
# 2507 Instruct one (never thinks; <think> only where past replies are rendered), the 2507
# Thinking one (the generation prompt opens <think>), and one in the manner of the later
# generations (qwen35, qwen3next: contents as parts, variables Ponder does not pass).
TEMPLATES = {
    "qwen3": "qwen3_chat_template.jinja",
    "qwen3-2507-instruct": "qwen3_2507_instruct_template.jinja",
    "qwen3-2507-thinking": "qwen3_2507_thinking_template.jinja",
    "qwen35": "qwen35_chat_template.jinja",
}


def chat_template(name: str) -> str:
    """One of :data:`TEMPLATES`, as a GGUF file carries it."""
    text = resources.files(__package__).joinpath(TEMPLATES[name]).read_text("utf-8")
    return text.rstrip("\n")


def qwen3_chat_template() -> str:
    """Qwen3's own chat template, as shipped in its GGUF files."""
    return chat_template("qwen3")


CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class Script:
    """What the model says after the generation prompt."""

    thinking: tuple[str, ...] = DEFAULT_THINKING
    answer: tuple[str, ...] = DEFAULT_ANSWER
    # The last thinking piece loops back to the first: the model never closes its reasoning.
    runaway: bool = False
    # A model that never thinks: plain ChatML, answer right after the prompt.
    thinks: bool = True
    # The template ends with "<think>\n" so the output starts inside the reasoning
    # (like Qwen3-*-Thinking-2507: with template "qwen3", the 2507 Thinking template is used).
    starts_in_thinking: bool = False
    # A name in TEMPLATES, "chatml" or None (no template in the file: the app falls back to ChatML).
    template: str | None = "qwen3"
    # (after, piece): after the thinking piece ``after``, ``piece`` is a close second to the
    # script's own next piece (SECOND_CHOICE_MARGIN lower in the logits) and, once taken, closes
    # the reasoning. Greedy decoding takes it only when a penalty pushes the first choice down.
    second_choice: tuple[str, str] | None = None
    # The reasoning tags are control tokens (some vocabularies mark them so), not user-defined ones.
    control_tags: bool = False
    # The token that closes the reasoning: "</think>", or one that carries the line end before
    # it ("\n</think>"), as in later vocabularies.
    close_tag: str = "</think>"

    @property
    def thinking_text(self) -> str:
        return _join(self.thinking)

    @property
    def answer_text(self) -> str:
        return _join(self.answer)


def _join(pieces: tuple[str, ...]) -> str:
    return b"".join(_piece_bytes(p) for p in pieces).decode("utf-8")


def _piece_bytes(piece: str) -> bytes:
    if len(piece) == 1 and ord(piece) >= 0x80 and ord(piece) < 0x100:
        return bytes([ord(piece)])
    return piece.encode("utf-8")


def _is_byte_piece(piece: str) -> bool:
    return len(piece) == 1 and 0x80 <= ord(piece) < 0x100


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by byte-level BPE."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars, strict=True)}


# Qwen3.5's linear-attention layers, as small as they go: conv kernel, state size, heads.
_SSM_CONV, _SSM_STATE, _SSM_K_HEADS, _SSM_V_HEADS = 4, 16, 2, 4


def _linear_attention(n_embd: int, small: Callable[..., np.ndarray]) -> dict[str, np.ndarray]:
    """The tensors of one gated-delta-net layer, its output projection zero."""
    key_dim, value_dim = _SSM_STATE * _SSM_K_HEADS, _SSM_STATE * _SSM_V_HEADS
    conv_dim = 2 * key_dim + value_dim
    return {
        "attn_qkv.weight": small(conv_dim, n_embd),
        "attn_gate.weight": small(value_dim, n_embd),
        "ssm_conv1d.weight": small(conv_dim, _SSM_CONV),
        "ssm_dt.bias": np.zeros(_SSM_V_HEADS, np.float32),
        "ssm_a": np.zeros(_SSM_V_HEADS, np.float32),
        "ssm_beta.weight": small(_SSM_V_HEADS, n_embd),
        "ssm_alpha.weight": small(_SSM_V_HEADS, n_embd),
        "ssm_norm.weight": np.ones(_SSM_STATE, np.float32),
        "ssm_out.weight": np.zeros((n_embd, value_dim), np.float32),
    }


@dataclass
class ScriptedModel:
    """A written model file and what it will say."""

    path: Path
    script: Script
    arch: str
    n_vocab: int
    token_ids: dict[str, int] = field(default_factory=dict)


def write_scripted_model(
    path: Path | str,
    script: Script | None = None,
    *,
    arch: str = "qwen3",
    n_layers: int = 1,
    context_length: int = 4096,
    extra_width: int = 0,
) -> ScriptedModel:
    """Write a scripted GGUF to ``path`` and return its description.

    ``extra_width`` widens the hidden size (and FFN) beyond the vocabulary to make
    each token cost more compute, which the benchmark uses to look like a real model.
    """
    import gguf  # imported here: only tests, benchmarks and the self-test need it

    script = script or Script()
    path = Path(path)
    byte_map = _bytes_to_unicode()

    tokens: list[str] = [byte_map[b] for b in range(256)]
    types: list[int] = [gguf.TokenType.NORMAL] * 256
    newline, double_newline = byte_map[ord("\n")], byte_map[ord("\n")] * 2
    tokens.append(double_newline)
    types.append(gguf.TokenType.NORMAL)
    merges = [f"{newline} {newline}"]
    for special in _SPECIAL_CONTROL:
        tokens.append(special)
        types.append(gguf.TokenType.CONTROL)
    tag_type = gguf.TokenType.CONTROL if script.control_tags else gguf.TokenType.USER_DEFINED
    for tag in dict.fromkeys((*_THINK_TAGS, script.close_tag)):
        tokens.append(tag)
        types.append(tag_type)

    def token_of(piece: str) -> int:
        if _is_byte_piece(piece):
            return ord(piece)
        if piece not in tokens:
            tokens.append(piece)
            control = piece.startswith("<|") and piece.endswith("|>")
            types.append(gguf.TokenType.CONTROL if control else gguf.TokenType.USER_DEFINED)
        return tokens.index(piece)

    thinking_ids = [token_of(p) for p in script.thinking]
    answer_ids = [token_of(p) for p in script.answer]
    eos = tokens.index(_EOS)
    think_open, think_close = tokens.index("<think>"), tokens.index(script.close_tag)
    nl, nl2 = tokens.index(newline), tokens.index(double_newline)

    # The chain of successors, starting from the last token of the generation prompt.
    successor: dict[int, int] = {}

    def chain(ids: list[int]) -> None:
        for a, b in itertools.pairwise(ids):
            if a in successor and successor[a] != b:
                raise ValueError(f"token {tokens[a]!r} would need two successors")
            successor[a] = b

    if not script.thinks:
        chain([nl, *answer_ids, eos])
    else:
        reasoning_end = [thinking_ids[0]] if script.runaway else [think_close, nl2, *answer_ids, eos]
        start = [nl] if script.starts_in_thinking else [nl, think_open]
        chain([*start, *thinking_ids, *reasoning_end])
        # With thinking off the template ends "</think>\n\n": the answer follows "\n\n".
        chain([nl2, *answer_ids, eos])
    second: tuple[int, int] | None = None
    if script.second_choice is not None:
        after, piece = script.second_choice
        second = (token_of(after), token_of(piece))
        chain([second[1], think_close, nl2, *answer_ids, eos])

    n_vocab = len(tokens)
    n_embd = -(-(n_vocab + extra_width) // 64) * 64
    n_head, n_head_kv, head_dim = 4, 2, 32
    n_ff = 64 + extra_width

    weight = 2.0
    out = np.zeros((n_vocab, n_embd), dtype=np.float32)
    for a in range(n_vocab):
        out[successor.get(a, eos), a] = weight
    if second is not None:
        # The final norm scales the one-hot state to sqrt(n_embd): that is a logit per unit weight.
        out[second[1], second[0]] = weight - SECOND_CHOICE_MARGIN / np.sqrt(n_embd)
    embd = np.zeros((n_vocab, n_embd), dtype=np.float32)
    embd[np.arange(n_vocab), np.arange(n_vocab)] = 1.0

    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(f"Ponder scripted {arch}")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(context_length)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    if arch == "qwen3moe":
        n_expert, n_expert_used = 4, 2
        writer.add_expert_count(n_expert)
        writer.add_expert_used_count(n_expert_used)
        writer.add_expert_feed_forward_length(n_ff)
    q_width = n_head * head_dim
    if arch == "qwen35":
        # Qwen3.5: gated attention (the query projection also yields a gate), multi-axis RoPE,
        # and linear-attention (gated delta net) layers: every other layer here, whose output
        # projection is zero like attention's, so the bigram machine still holds.
        q_width *= 2
        writer.add_full_attention_interval(2)
        writer.add_rope_dimension_count(head_dim)
        writer.add_rope_dimension_sections([head_dim // 4, head_dim // 8, head_dim // 8, 0])
        writer.add_ssm_conv_kernel(_SSM_CONV)
        writer.add_ssm_inner_size(_SSM_STATE * _SSM_V_HEADS)
        writer.add_ssm_state_size(_SSM_STATE)
        writer.add_ssm_time_step_rank(_SSM_V_HEADS)
        writer.add_ssm_group_count(_SSM_K_HEADS)

    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_eos_token_id(eos)
    writer.add_add_bos_token(False)
    if script.template == "chatml":
        writer.add_chat_template(CHATML_TEMPLATE)
    elif script.template is not None:
        think_only = script.starts_in_thinking and script.template == "qwen3"
        name = "qwen3-2507-thinking" if think_only else script.template
        writer.add_chat_template(chat_template(name))

    rng = np.random.default_rng(0)

    def small(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    writer.add_tensor("token_embd.weight", embd)
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", out)
    for layer in range(n_layers):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        if arch == "qwen35" and layer % 2 == 0:
            for name, tensor in _linear_attention(n_embd, small).items():
                writer.add_tensor(p + name, tensor)
        else:
            writer.add_tensor(p + "attn_q.weight", small(q_width, n_embd))
            writer.add_tensor(p + "attn_k.weight", small(n_head_kv * head_dim, n_embd))
            writer.add_tensor(p + "attn_v.weight", small(n_head_kv * head_dim, n_embd))
            writer.add_tensor(p + "attn_q_norm.weight", np.ones(head_dim, dtype=np.float32))
            writer.add_tensor(p + "attn_k_norm.weight", np.ones(head_dim, dtype=np.float32))
            writer.add_tensor(p + "attn_output.weight", np.zeros((n_embd, n_head * head_dim), np.float32))
        norm = "post_attention_norm" if arch == "qwen35" else "ffn_norm"
        writer.add_tensor(p + norm + ".weight", np.ones(n_embd, dtype=np.float32))
        if arch == "qwen3moe":
            writer.add_tensor(p + "ffn_gate_inp.weight", small(n_expert, n_embd))
            writer.add_tensor(p + "ffn_gate_exps.weight", small(n_expert, n_ff, n_embd))
            writer.add_tensor(p + "ffn_up_exps.weight", small(n_expert, n_ff, n_embd))
            writer.add_tensor(p + "ffn_down_exps.weight", np.zeros((n_expert, n_embd, n_ff), np.float32))
        else:
            writer.add_tensor(p + "ffn_gate.weight", small(n_ff, n_embd))
            writer.add_tensor(p + "ffn_up.weight", small(n_ff, n_embd))
            writer.add_tensor(p + "ffn_down.weight", np.zeros((n_embd, n_ff), np.float32))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    ids = {t: i for i, t in enumerate(tokens)}
    return ScriptedModel(path=path, script=script, arch=arch, n_vocab=n_vocab, token_ids=ids)
