"""What the window says about a model on a server: where it runs, how exactly the server can
cap the reasoning, and whether the connection is encrypted."""

from __future__ import annotations

from collections.abc import Mapping

UNENCRYPTED = "Plain http:// to another computer: the API key and the chats travel unencrypted."


def is_remote(info: Mapping[str, object]) -> bool:
    return bool(info.get("server"))


def budget_note(info: Mapping[str, object]) -> str:
    """One sentence when the server cannot keep Ponder's exact budget; "" when it can."""
    server = info.get("server_name") or "This server"
    cut = info.get("budget_cut")
    if cut == "rough":
        return (
            f"{server} caps the reasoning with its own budget: the cut can land mid-word, "
            "and Continue thinking is not available."
        )
    if cut == "none":
        return f"{server} cannot cap the reasoning: the thinking budget has no effect with this model."
    return ""


def where(info: Mapping[str, object]) -> str:
    """``vLLM at https://gpu-box:8000`` for the picker's tooltip."""
    return f"{info.get('server_name', 'a server')} at {info.get('url', '?')}"
