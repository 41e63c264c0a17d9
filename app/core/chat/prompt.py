"""Chat-template rendering with Qwen3's think / no-think switch.

The template comes from the GGUF (``tokenizer.chat_template``) and is untrusted
input, so it runs in Jinja2's sandbox. We render it ourselves (llama-cpp-python's
chat completion cannot pass ``enable_thinking``) and the engine completes from
the resulting tokens.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.core.chat.messages import PromptMessage

CHATML_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)

_SOFT_SWITCH = re.compile(r"/(no_think|think)\b")


class ThinkingSupport(enum.Enum):
    HYBRID = "hybrid"  # the template honours enable_thinking: the toggle works
    ALWAYS = "always"  # think-only models: the template opens <think> itself
    NEVER = "never"  # instruct-only models and anything without <think>


class PromptError(ValueError):
    """The model's chat template could not be rendered."""


def thinking_support(template: str | None) -> ThinkingSupport:
    if not template or "<think>" not in template:
        return ThinkingSupport.NEVER
    if "enable_thinking" in template:
        return ThinkingSupport.HYBRID
    return ThinkingSupport.ALWAYS


def soft_switch(text: str) -> bool | None:
    """The last ``/think`` or ``/no_think`` in a user message: True, False or None."""
    found = _SOFT_SWITCH.findall(text)
    if not found:
        return None
    return found[-1] == "think"


def effective_thinking(
    messages: Sequence[PromptMessage], toggle: bool, budget: int | None, support: ThinkingSupport
) -> bool:
    """Whether this reply should reason.

    A soft switch typed in the latest user message wins over the toggle, as in
    Qwen's own chat; budget 0 means no reasoning at all.
    """
    if support is ThinkingSupport.NEVER:
        return False
    if support is ThinkingSupport.ALWAYS:
        return True
    wanted = toggle
    last_user = next((m for m in reversed(messages) if m.role == "user"), None)
    if last_user is not None:
        switch = soft_switch(last_user.content)
        if switch is not None:
            wanted = switch
    if budget is not None and budget <= 0:
        return False
    return wanted


def _raise(message: str) -> None:
    raise PromptError(message)


@lru_cache(maxsize=8)
def _compile(template: str) -> Any:
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    env.filters["tojson"] = lambda value, indent=None: json.dumps(value, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = _raise
    return env.from_string(template)


def render_prompt(
    template: str | None,
    messages: Sequence[PromptMessage],
    *,
    enable_thinking: bool,
    add_generation_prompt: bool = True,
    bos_token: str = "",
    eos_token: str = "",
) -> str:
    """The prompt text for ``messages``; ChatML when the model has no template."""
    source = template or CHATML_TEMPLATE
    try:
        compiled = _compile(source)
        return str(
            compiled.render(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                add_generation_prompt=add_generation_prompt,
                enable_thinking=enable_thinking,
                bos_token=bos_token,
                eos_token=eos_token,
                tools=None,
            )
        )
    except (TemplateError, TypeError, ValueError) as exc:
        raise PromptError(f"The model's chat template failed: {exc}") from exc


def prompt_opens_thinking(prompt: str) -> bool:
    """True when the prompt already ends inside a ``<think>`` block."""
    tail = prompt.rstrip()
    return tail.endswith("<think>")
