"""Searching every chat from the sidebar, and opening a hit at its message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.chat.chats import Reply
from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.settings import Settings
from app.testkit.scripted_model import ScriptedModel
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.user_view import UserMessageView
from app.ui.common.qt import Qt
from app.ui.history.search_results import HitView
from app.ui.main_window import MainWindow
from tests.ui.driver import load, named, send


def search(qtbot: Any, window: MainWindow, text: str, *, wait: bool = False) -> list[str]:
    """Type into the search field; ``wait`` for the field's own timer, else search at once."""
    window.sidebar.search.setText(text)
    if wait:
        qtbot.waitUntil(lambda: window.sidebar.results_box.isVisible(), timeout=5000)
    else:
        window.sidebar.run_search()
    return window.sidebar.results.texts()


def test_search_finds_answers_and_thinking_and_opens_the_chat(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Tell me about apples.")
    apples = window.controller.chat
    window.new_chat()
    send(qtbot, window, "Tell me about pears.")
    pears = window.controller.chat
    assert apples is not None and pears is not None
    assert named(window, "Search chats") == [window.sidebar.search]
    assert named(window, "Search results") == [window.sidebar.results]
    assert window.repo.flush()  # type: ignore[attr-defined]

    # A word in the user's message: one hit, in the right chat.
    hits = search(qtbot, window, "apples", wait=True)
    assert hits == ["Tell me about apples. (you): Tell me about apples."]
    # A word in both answers ("help" in "How can I help you today?").
    hits = search(qtbot, window, "help")
    assert len(hits) == 2 and all("(answer)" in h for h in hits)
    view = window.sidebar.results.itemWidget(window.sidebar.results.item(0))
    assert isinstance(view, HitView) and "<b>help</b>" in view.snippet.text()
    # A word only in the reasoning: found once "Thinking too" is on.
    assert search(qtbot, window, "greeting") == []
    assert not window.sidebar.no_results.isHidden()
    window.sidebar.include_thinking.setChecked(True)
    hits = window.sidebar.results.texts()
    assert len(hits) == 2 and all("(thinking)" in h for h in hits)
    assert window.prefs.settings.search_thinking

    # Choosing a hit opens its chat at that message and flashes it.
    search(qtbot, window, "apples")
    window.sidebar.results.choose(0)
    assert window.controller.chat is apples
    user = apples.entries[0]
    widget = window.presenter.view_for(user)
    assert isinstance(widget, UserMessageView) and widget.bubble.property("flash") is True
    qtbot.waitUntil(lambda: widget.bubble.property("flash") is False, timeout=5000)

    # Enter in the search field opens the best hit.
    window.select_chat(pears.id)
    window.sidebar.search.setText("apples")
    qtbot.keyClick(window.sidebar.search, Qt.Key.Key_Return)
    assert window.controller.chat is apples


def test_search_never_shows_model_html(qtbot: Any, make_window: Callable[[], MainWindow]) -> None:
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("<i>title</i>")
        store.add_message(chat.id, Message("user", "show <img src=x onerror=alert(1)> marker"))
    window = make_window()
    search(qtbot, window, "marker")
    view = window.sidebar.results.itemWidget(window.sidebar.results.item(0))
    assert isinstance(view, HitView)
    assert "<img" not in view.snippet.text() and "&lt;img" in view.snippet.text()
    assert view.title.text() == "<i>title</i>"  # plain text, shown as typed


def test_a_hit_deep_in_a_long_chat_opens_around_it(qtbot: Any, make_window: Callable[[], MainWindow]) -> None:
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("Long")
        for i in range(300):
            store.add_message(chat.id, Message("user", f"question {i}"))
            store.add_message(
                chat.id, Message("assistant", f"answer {i} word{i}x", thinking="t", finish_reason="stop")
            )
    window = make_window()
    hits = search(qtbot, window, "word12x")
    assert len(hits) == 1 and hits[0].startswith("Long (answer)")
    window.sidebar.results.choose(0)
    opened = window.controller.chat
    assert opened is not None and opened.id == chat.id
    entry = next(
        e for e in opened.entries if isinstance(e, Reply) and e.message.content == "answer 12 word12x"
    )
    widget = window.presenter.view_for(entry)
    assert isinstance(widget, AssistantMessageView) and widget.property("flash") is True
    assert len(window.presenter._shown) <= 30  # a window around the hit, not 300 entries
    assert named(window, "Show later messages") and named(window, "Show earlier messages")
    assert window.presenter.show_later() > 0
