"""What the window says about a model on a server: where it runs, how exactly the server can
cap the reasoning, and whether the connection is encrypted."""

from __future__ import annotations

from collections.abc import Mapping

from app.ui.common.i18n import tr


def unencrypted_note() -> str:
    return tr("Plain http:// to another computer: the API key and the chats travel unencrypted.")


def is_remote(info: Mapping[str, object]) -> bool:
    return bool(info.get("server"))


def budget_note(info: Mapping[str, object]) -> str:
    """One sentence when the server cannot keep Ponder's exact budget; "" when it can."""
    server = info.get("server_name")
    cut = info.get("budget_cut")
    if cut == "rough":
        if not server:
            return tr(
                "This server caps the reasoning with its own budget: the cut can land mid-word, "
                "and Continue thinking is not available."
            )
        return tr(
            "{server} caps the reasoning with its own budget: the cut can land mid-word, "
            "and Continue thinking is not available."
        ).format(server=server)
    if cut == "none":
        if not server:
            return tr(
                "This server cannot cap the reasoning: the thinking budget has no effect with this model."
            )
        return tr(
            "{server} cannot cap the reasoning: the thinking budget has no effect with this model."
        ).format(server=server)
    return ""


def where(info: Mapping[str, object]) -> str:
    """``vLLM at https://gpu-box:8000`` for the picker's tooltip."""
    server = info.get("server_name")
    if not server:
        return tr("a server at {url}").format(url=info.get("url", "?"))
    return tr("{server} at {url}").format(server=server, url=info.get("url", "?"))
