"""Sampling settings, with Qwen's recommended defaults for each think mode."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Sampling:
    temperature: float
    top_p: float
    top_k: int
    min_p: float
    presence_penalty: float = 0.0

    def with_overrides(self, **overrides: Any) -> Sampling:
        """A copy with every override that is not None applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Qwen3 model card: thinking mode 0.6/0.95/20/0, non-thinking mode 0.7/0.8/20/0.
THINKING_DEFAULTS = Sampling(temperature=0.6, top_p=0.95, top_k=20, min_p=0.0)
NO_THINKING_DEFAULTS = Sampling(temperature=0.7, top_p=0.8, top_k=20, min_p=0.0)


def defaults_for(thinking: bool) -> Sampling:
    return THINKING_DEFAULTS if thinking else NO_THINKING_DEFAULTS


@dataclass(frozen=True, slots=True)
class ModeSampling:
    """Sampling for each think mode; the engine picks by the mode a reply really runs in.

    The mode is known only there: a ``/no_think`` typed in the message, a budget of 0 or a
    model that never (or always) thinks can overrule the toggle.
    """

    thinking: Sampling = THINKING_DEFAULTS
    no_thinking: Sampling = NO_THINKING_DEFAULTS

    def for_mode(self, thinking: bool) -> Sampling:
        return self.thinking if thinking else self.no_thinking

    def with_overrides(self, **overrides: Any) -> ModeSampling:
        """The same overrides (those not None) applied to both modes."""
        return ModeSampling(
            self.thinking.with_overrides(**overrides), self.no_thinking.with_overrides(**overrides)
        )


def sampling_for(chosen: ModeSampling | Sampling | None, thinking: bool) -> Sampling:
    """The sampling a reply uses in the mode it really runs in: the chosen settings for that
    mode, or Qwen's defaults for it when nothing was chosen."""
    if isinstance(chosen, ModeSampling):
        return chosen.for_mode(thinking)
    return chosen or defaults_for(thinking)
