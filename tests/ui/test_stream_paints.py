"""A reply streaming at the end of the conversation paints its new lines, not the whole view
(app/ui/chat/growth.py), and the window then shows what painting it afresh shows."""

from __future__ import annotations

import statistics
from typing import Any

from app.core.chat.messages import Message
from app.core.render import Theme
from app.ui.chat import growth
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.conversation import ConversationView, Row
from app.ui.common.qt import QWidget
from app.ui.common.theme import ThemeManager
from tests.ui.driver import LabelRows, PaintedRegions, bare_view, stale_pixels

LINE = "streamed words arrive a few at a time and the view follows them down "


class ReplyRows(LabelRows):
    """Rows of plain labels, then one reply view (the last row)."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.theme = theme
        self.reply: AssistantMessageView | None = None

    def build_row(self, row: Row) -> QWidget:
        if row.item != "reply":
            return super().build_row(row)
        self.reply = AssistantMessageView(self.theme)
        return self.reply


def streaming_view(qtbot: Any, theme: ThemeManager) -> tuple[ConversationView, AssistantMessageView]:
    """A conversation of a few messages that ends with a reply about to stream, at its end."""
    source = ReplyRows(theme.render_theme)
    view, _rows = bare_view(qtbot, source, [0, 1, 2, "reply"], (640, 600))
    qtbot.waitUntil(lambda: source.reply is not None and not view.holding, timeout=3000)
    reply = source.reply
    assert reply is not None
    reply.begin_stream(Message(role="assistant"), thinking=True)
    qtbot.wait(50)
    return view, reply


def long_answer(qtbot: Any, reply: AssistantMessageView) -> None:
    """Stream past ``SEGMENT_CHARS``: what follows goes into the answer's second segment."""
    for _ in range(12):
        reply.stream_answer((LINE + "\n\n") * 10, 1.0, 10, False)
        qtbot.wait(20)
    qtbot.wait(100)
    assert len(reply.answer.segments) >= 2


def test_following_a_streamed_answer_paints_the_new_lines_not_the_view(
    qtbot: Any, theme: ThemeManager
) -> None:
    view, reply = streaming_view(qtbot, theme)
    long_answer(qtbot, reply)
    viewport = view.viewport()
    painted = PaintedRegions(viewport)
    bar = view.verticalScrollBar()
    start = bar.value()
    for i in range(24):
        reply.stream_answer(LINE + ("\n\n" if i % 2 else ""), 1.0, 10, False)
        qtbot.wait(15)
    qtbot.wait(100)
    assert view.following and bar.value() > start + viewport.height() // 2  # the view did follow
    assert painted.heights
    assert statistics.median(painted.heights) < viewport.height() / 2, painted.heights  # it was all of it
    assert stale_pixels(view) == 0  # the pixels kept are the right ones


def test_streamed_reasoning_in_its_framed_panel_leaves_no_old_edge_behind(
    qtbot: Any, theme: ThemeManager
) -> None:
    view, reply = streaming_view(qtbot, theme)
    for i in range(20):
        reply.stream_thinking(LINE + ("\n\n" if i % 3 == 2 else ""), 10 * (i + 1), None)
        qtbot.wait(15)
    qtbot.wait(100)
    assert reply.thinking.height() > 200  # it grew: its bottom edge moved many times
    assert stale_pixels(view) == 0


def test_on_a_screen_scaled_by_a_fraction_a_growing_text_is_painted_whole(
    qtbot: Any, theme: ThemeManager, monkeypatch: Any
) -> None:
    """At 125 % or 150 % the row where the old and the new part of a grown text meet is not a
    whole row of device pixels, and would be left half painted: there it is painted whole."""
    for fraction in (False, True):
        monkeypatch.setattr(growth, "whole_pixels", lambda _widget, whole=not fraction: whole)
        view, reply = streaming_view(qtbot, theme)
        long_answer(qtbot, reply)
        painted = PaintedRegions(reply.answer.segments[-1].viewport())
        for _ in range(8):
            reply.stream_answer(LINE, 1.0, 10, False)
            qtbot.wait(15)
        qtbot.wait(50)
        assert painted.whole
        assert all(painted.whole) == fraction, painted.whole
        assert stale_pixels(view) == 0
