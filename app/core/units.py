"""Sizes and counts in words for a person, the same in the window, the CLI and error messages.

Decimal units (1 KB = 1000 bytes), as disks and the Hugging Face Hub count.
"""

from __future__ import annotations

__all__ = ["human_params", "human_size"]

_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def human_size(n: float | None, *, unit: str | None = None) -> str:
    """``512 bytes``, ``4.7 GB``; ``?`` when unknown.

    ``unit`` fixes the unit, for figures read side by side (fit messages compare memory in GB).
    """
    if n is None:
        return "?"
    if unit is None:
        index = 0
        while index < len(_UNITS) - 1 and abs(n) >= 1000 ** (index + 1):
            index += 1
    else:
        index = _UNITS.index(unit)
    name = _UNITS[index]
    value = n / 1000**index
    return f"{value:.0f} {name}" if index == 0 else f"{value:.1f} {name}"


def human_params(n: int | None) -> str:
    """A parameter count: ``0.6B``, ``135M``; ``?`` when unknown."""
    if not n:
        return "?"
    if n >= 1e9:
        return f"{n / 1e9:.1f}B"
    return f"{n / 1e6:.0f}M" if n >= 1e6 else f"{n / 1e3:.0f}K"
