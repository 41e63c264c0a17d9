from __future__ import annotations

from app.core.chat.messages import Message, PromptMessage, to_prompt
from app.core.chat.prompt import (
    ThinkingSupport,
    effective_thinking,
    prompt_opens_thinking,
    render_prompt,
    soft_switch,
    thinking_support,
)
from app.core.chat.sampling import NO_THINKING_DEFAULTS, THINKING_DEFAULTS, defaults_for
from app.testkit.scripted_model import qwen3_chat_template

QWEN3 = qwen3_chat_template()


def test_qwen3_generation_prompt_per_mode() -> None:
    msgs = [PromptMessage("user", "Hi")]
    on = render_prompt(QWEN3, msgs, enable_thinking=True)
    off = render_prompt(QWEN3, msgs, enable_thinking=False)
    assert on == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert off == on + "<think>\n\n</think>\n\n"


def test_past_thinking_is_not_sent_back() -> None:
    history = [
        Message("user", "What is 2+2?"),
        Message("assistant", "4", thinking="Two plus two is four."),
        Message("user", "And 3+3?"),
    ]
    text = render_prompt(QWEN3, to_prompt(history), enable_thinking=True)
    assert "Two plus two" not in text
    assert "<|im_start|>assistant\n4<|im_end|>" in text


def test_system_prompt_first() -> None:
    text = render_prompt(QWEN3, to_prompt([Message("user", "x")], "Be brief."), enable_thinking=True)
    assert text.startswith("<|im_start|>system\nBe brief.<|im_end|>\n")


def test_chatml_fallback_without_template() -> None:
    text = render_prompt(None, [PromptMessage("user", "yo")], enable_thinking=True)
    assert text == "<|im_start|>user\nyo<|im_end|>\n<|im_start|>assistant\n"


def test_thinking_support_from_template() -> None:
    assert thinking_support(QWEN3) is ThinkingSupport.HYBRID
    assert thinking_support(None) is ThinkingSupport.NEVER
    assert thinking_support("{{ messages }}") is ThinkingSupport.NEVER
    think_only = QWEN3.replace("enable_thinking is defined and enable_thinking is false", "false")
    think_only = think_only.replace("enable_thinking", "x")
    assert thinking_support(think_only) is ThinkingSupport.ALWAYS


def test_soft_switches() -> None:
    assert soft_switch("please /no_think") is False
    assert soft_switch("/no_think then /think") is True
    assert soft_switch("no switch here") is None
    msgs = [PromptMessage("user", "hi /no_think")]
    assert not effective_thinking(msgs, True, None, ThinkingSupport.HYBRID)
    assert effective_thinking([PromptMessage("user", "hi /think")], False, None, ThinkingSupport.HYBRID)
    assert not effective_thinking([PromptMessage("user", "hi")], True, 0, ThinkingSupport.HYBRID)
    assert effective_thinking([PromptMessage("user", "hi")], False, None, ThinkingSupport.ALWAYS)
    assert not effective_thinking([PromptMessage("user", "hi")], True, None, ThinkingSupport.NEVER)


def test_prompt_opens_thinking() -> None:
    assert prompt_opens_thinking("<|im_start|>assistant\n<think>\n")
    assert not prompt_opens_thinking("<|im_start|>assistant\n<think>\n\n</think>\n\n")


def test_sampling_defaults_follow_qwen() -> None:
    assert (THINKING_DEFAULTS.temperature, THINKING_DEFAULTS.top_p, THINKING_DEFAULTS.top_k) == (
        0.6,
        0.95,
        20,
    )
    assert (NO_THINKING_DEFAULTS.temperature, NO_THINKING_DEFAULTS.top_p, NO_THINKING_DEFAULTS.top_k) == (
        0.7,
        0.8,
        20,
    )
    assert defaults_for(True).min_p == defaults_for(False).min_p == 0.0
    assert defaults_for(True).with_overrides(temperature=0.1, top_k=None).top_k == 20


def test_mode_sampling_overrides_apply_to_both_modes() -> None:
    from app.core.chat.sampling import ModeSampling

    both = ModeSampling().with_overrides(temperature=0.3, top_k=None)
    assert both.for_mode(True) == THINKING_DEFAULTS.with_overrides(temperature=0.3)
    assert both.for_mode(False) == NO_THINKING_DEFAULTS.with_overrides(temperature=0.3)
