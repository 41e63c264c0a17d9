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
from dataclasses import dataclass
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

# Qwen's soft switches are words of their own: at the start or after whitespace, and followed by
# whitespace, the end or punctuation (a full stop only when it ends the sentence), so that a path
# or a link such as docs/no_think/setup.md or /think.md is no switch.
_SOFT_SWITCH = re.compile(r"(?<!\S)/(no_think|think)(?=$|\s|\.(?:\s|$)|[^\w/.\-])")
_SWITCH_ROLES = ("system", "user")  # also the roles whose contents a person types
# A conversation rendered to learn what a template does with enable_thinking.
_PROBE = (PromptMessage("user", "Hi"),)
# Stand-ins for message contents while the template is rendered to find where the contents go.
_MARK = "\ue000{}\ue001"
_MARK_RE = re.compile("\ue000(\\d+)\ue001")


class ThinkingSupport(enum.Enum):
    HYBRID = "hybrid"  # the template honours enable_thinking: the toggle works
    ALWAYS = "always"  # think-only models: the template opens <think> itself
    NEVER = "never"  # instruct-only models: the prompt opens no reasoning either way


class PromptError(ValueError):
    """The model's chat template could not be rendered."""


@dataclass(frozen=True, slots=True)
class PromptPart:
    """A run of prompt text: the template's own scaffolding, or a message's content.

    ``typed`` text is what a person typed or pasted (or a model wrote): it is tokenised as
    plain text, so a ``<|im_end|>`` in it stays characters and cannot end or open a turn.
    """

    text: str
    typed: bool = False


def thinking_support(template: str | None) -> ThinkingSupport:
    """What the template does with ``enable_thinking``, learnt by rendering it both ways.

    Different prompts: the toggle works. The same prompt that opens ``<think>``: the model
    always reasons. Otherwise it never does (a ``<think>`` elsewhere in the template, e.g.
    where Qwen3-2507 Instruct renders past replies, says nothing about the reply to come).
    A template that cannot render a plain question is taken as never thinking; the reply
    then reports the template's error.
    """
    try:
        on = render_prompt(template, _PROBE, enable_thinking=True)
        off = render_prompt(template, _PROBE, enable_thinking=False)
    except PromptError:
        return ThinkingSupport.NEVER
    if on != off:
        return ThinkingSupport.HYBRID
    return ThinkingSupport.ALWAYS if prompt_opens_thinking(on) else ThinkingSupport.NEVER


def soft_switch(text: str) -> bool | None:
    """The last ``/think`` or ``/no_think`` in a text: True, False or None."""
    found = _SOFT_SWITCH.findall(text)
    if not found:
        return None
    return found[-1] == "think"


def latest_switch(messages: Sequence[PromptMessage]) -> bool | None:
    """The latest soft switch in the system prompt or any user turn, as Qwen documents them."""
    latest = None
    for message in messages:
        if message.role in _SWITCH_ROLES:
            switch = soft_switch(message.content)
            if switch is not None:
                latest = switch
    return latest


def effective_thinking(
    messages: Sequence[PromptMessage], toggle: bool, budget: int | None, support: ThinkingSupport
) -> bool:
    """Whether this reply should reason.

    The latest soft switch (system prompt or user turns) wins over the toggle, as in
    Qwen's own chat; budget 0 means no reasoning at all.
    """
    if support is ThinkingSupport.NEVER:
        return False
    if support is ThinkingSupport.ALWAYS:
        return True
    switch = latest_switch(messages)
    wanted = toggle if switch is None else switch
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


def render_prompt_parts(
    template: str | None,
    messages: Sequence[PromptMessage],
    *,
    enable_thinking: bool,
    bos_token: str = "",
    eos_token: str = "",
) -> list[PromptPart]:
    """The prompt for ``messages`` as scaffolding and typed parts (their texts joined are
    exactly :func:`render_prompt`'s).

    The template is rendered a second time with a mark in place of each content; where the
    marks land, the contents go. A template that treats a content as more than text (Qwen3
    splits a reply at ``</think>``, tests a user turn for ``<tool_response>``) renders other
    text around a mark: then only user and system contents are marked, and failing that
    the whole prompt counts as scaffolding, as llama.cpp's own chat handling would do.
    """
    options: dict[str, Any] = {
        "enable_thinking": enable_thinking,
        "bos_token": bos_token,
        "eos_token": eos_token,
    }
    text = render_prompt(template, messages, **options)
    every = range(len(messages))
    typed_roles = [i for i in every if messages[i].role in _SWITCH_ROLES]
    for marked in (every, typed_roles):
        parts = _marked_parts(template, messages, set(marked), options)
        if parts is not None and "".join(p.text for p in parts) == text:
            return parts
    return [PromptPart(text)]


def _marked_parts(
    template: str | None, messages: Sequence[PromptMessage], marked: set[int], options: dict[str, Any]
) -> list[PromptPart] | None:
    stand_ins = [PromptMessage(m.role, _MARK.format(i)) if i in marked else m for i, m in enumerate(messages)]
    try:
        rendered = render_prompt(template, stand_ins, **options)
    except PromptError:
        return None
    parts: list[PromptPart] = []
    pieces = _MARK_RE.split(rendered)
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if piece:
                parts.append(PromptPart(piece))
        else:
            index = int(piece)
            if index not in marked:
                return None
            parts.append(PromptPart(messages[index].content, typed=True))
    return parts


def prompt_opens_thinking(prompt: str) -> bool:
    """True when the prompt already ends inside a ``<think>`` block."""
    tail = prompt.rstrip()
    return tail.endswith("<think>")
