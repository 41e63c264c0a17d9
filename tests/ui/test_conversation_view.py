"""The conversation view builds only what the user looks at: long chats, keys, recycling,
long reasoning, themes. A real window on a real SQLite file, offscreen."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.chat.chats import Reply
from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.settings import Settings
from app.ui.chat import conversation
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.conversation import ConversationView, Row
from app.ui.chat.user_view import UserMessageView
from app.ui.common import turns
from app.ui.common.qt import QApplication, QEvent, QGuiApplication, QObject, QPoint, Qt, QWidget
from app.ui.history.store_chats import StoreChats
from app.ui.main_window import MainWindow
from tests.ui.driver import LabelRows, PaintedRegions, bare_view, replies, stale_pixels, user_messages

MakeWindow = Callable[[], MainWindow]
SENTENCE = "The cache keeps keys and values so that each step only attends to one new position. "


def answer(i: int) -> str:
    """Answers of varied length and shape, so that estimated heights are often wrong."""
    paragraphs = [f"Answer {i}. " + SENTENCE * (1 + i % 5)]
    if i % 3 == 0:
        paragraphs.append("\n".join(f"- point {k} of answer {i}" for k in range(1 + i % 4)))
    if i % 4 == 1:
        paragraphs.append(f"```python\nx = {i}\nprint(x)\n```")
    return "\n\n".join(paragraphs)


def seed(exchanges: int, thinking: Callable[[int], str] = lambda i: f"reasoning {i}") -> str:
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("Long")
        with store.transaction():
            for i in range(exchanges):
                store.add_message(chat.id, Message("user", f"question {i}: " + SENTENCE * (i % 3)))
                store.add_message(
                    chat.id, Message("assistant", answer(i), thinking=thinking(i), finish_reason="stop")
                )
        return chat.id


def open_chat(window: MainWindow, chat_id: str) -> None:
    """As a click on the chat in the list does (which also leaves the first-run welcome)."""
    window.sidebar.selected.emit(chat_id)


def top_widget(window: MainWindow) -> QWidget | None:
    """The message widget at the top of the conversation's viewport."""
    viewport = window.conversation.viewport()
    for y in range(0, viewport.height(), 8):
        widget = viewport.childAt(viewport.width() // 2, y)
        while widget is not None and not isinstance(widget, AssistantMessageView | UserMessageView):
            widget = widget.parentWidget()
        if widget is not None:
            return widget
    return None


def page(qtbot: Any, window: MainWindow, key: Qt.Key, wait_ms: int = 15) -> None:
    qtbot.keyClick(window.conversation, key)
    qtbot.wait(wait_ms)


def at_top(window: MainWindow) -> bool:
    return window.conversation.verticalScrollBar().value() == 0 and not window.presenter.has_earlier()


def test_a_long_chat_builds_only_what_is_near_the_view(
    qtbot: Any, make_window: MakeWindow, monkeypatch: Any
) -> None:
    chat_id = seed(300)
    readers: list[str] = []
    real_read = StoreChats.read_earlier

    def read_earlier(self: StoreChats, chat: str, limit: int = 50) -> Any:
        read = real_read(self, chat, limit)
        if read is None:
            return None

        def recorded() -> Any:
            readers.append(threading.current_thread().name)
            return read()

        return recorded

    monkeypatch.setattr(StoreChats, "read_earlier", read_earlier)
    window = make_window()
    open_chat(window, chat_id)
    chat = window.controller.chat
    assert chat is not None and chat.has_earlier
    assert len(window.presenter._shown) == len(chat.entries)  # every loaded entry is a row...
    assert 0 < len(window.conversation.widgets()) <= 10  # ...few have widgets
    most = 0
    for _ in range(600):
        if at_top(window):
            break
        page(qtbot, window, Qt.Key.Key_PageUp)
        most = max(most, len(window.conversation.widgets()))
    qtbot.waitUntil(lambda: at_top(window), timeout=10_000)
    assert not chat.has_earlier and len(chat.entries) == 600
    assert most <= 40, most  # rows far away gave their widgets back
    qtbot.waitUntil(lambda: bool(user_messages(window)), timeout=5000)
    assert user_messages(window)[0].message.content.startswith("question 0:")
    assert readers and all(name != threading.main_thread().name for name in readers)


def test_what_the_user_reads_does_not_move_while_heights_are_corrected(
    qtbot: Any, make_window: MakeWindow
) -> None:
    chat_id = seed(120)
    window = make_window()
    open_chat(window, chat_id)
    viewport = window.conversation.viewport()
    for _ in range(25):  # well into rows that were only estimated
        page(qtbot, window, Qt.Key.Key_PageUp, wait_ms=0)
        widget = top_widget(window)
        assert widget is not None
        before = widget.mapTo(viewport, QPoint(0, 0)).y()
        qtbot.wait(60)  # rows above and below are built and measured meanwhile
        assert widget.isVisible() and abs(widget.mapTo(viewport, QPoint(0, 0)).y() - before) <= 1


class Paints(QObject):
    """Counts the paint events a widget and its children get."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        for target in [widget, *widget.findChildren(QWidget)]:
            target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_older_messages_arriving_above_do_not_repaint_what_is_on_screen(
    qtbot: Any, make_window: MakeWindow
) -> None:
    chat_id = seed(120)
    window = make_window()
    open_chat(window, chat_id)
    view = window.conversation
    viewport, bar = view.viewport(), view.verticalScrollBar()
    arrivals = 0
    for _ in range(40):
        if at_top(window):
            break
        page(qtbot, window, Qt.Key.Key_PageUp, wait_ms=20)  # the page is built and painted
        widget = top_widget(window)
        assert widget is not None
        before, value = widget.mapTo(viewport, QPoint(0, 0)).y(), bar.value()
        paints = Paints(widget)
        qtbot.wait(80)  # meanwhile a page of older messages may be read and put above
        if bar.value() - value > viewport.height():  # they were: the view held its place
            arrivals += 1
            assert widget.mapTo(viewport, QPoint(0, 0)).y() == before
            assert paints.count == 0, "a message that stayed where it was was painted again"
    assert arrivals >= 1  # the case under test did happen


def test_scrolling_by_a_line_paints_a_line(qtbot: Any, make_window: MakeWindow) -> None:
    """Nothing in the window reaches over the conversation (the splitter's handle is wider than
    it looks), so moving the view moves its pixels and paints only the strip it uncovers."""
    chat_id = seed(30)
    window = make_window()
    open_chat(window, chat_id)
    view = window.conversation
    qtbot.waitUntil(lambda: not view.holding, timeout=5000)
    qtbot.wait(300)  # the rows near the view are built
    bar = view.verticalScrollBar()
    value = bar.value()
    painted = PaintedRegions(view.viewport())
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: bool(painted.heights), timeout=2000)
    qtbot.wait(50)
    assert bar.value() == value - conversation.LINE_STEP
    assert max(painted.heights) <= 2 * conversation.LINE_STEP, painted.heights  # not the whole view
    assert stale_pixels(view) == 0


def test_a_first_screen_built_over_several_turns_is_first_painted_whole(
    qtbot: Any, make_window: MakeWindow, monkeypatch: Any
) -> None:
    monkeypatch.setattr(conversation, "SLICE_S", 0.0)  # one row per turn of the event loop
    chat_id = seed(40)
    window = make_window()
    view = window.conversation
    viewport, bar = view.viewport(), view.verticalScrollBar()
    missing_at_paint: list[int] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                top, bottom = bar.value(), bar.value() + viewport.height()
                in_view = [
                    r for r in view.rows if view.top_of(r) < bottom and view.top_of(r) + r.height > top
                ]
                missing_at_paint.append(sum(r.widget is None for r in in_view))
            return False

    watch = Watch()
    viewport.installEventFilter(watch)
    open_chat(window, chat_id)
    turns = 0
    while view.holding:  # the old picture stays while the rows in view are built
        assert not viewport.updatesEnabled()
        built = len(view.widgets())
        QGuiApplication.processEvents()
        turns += 1
    assert turns >= 2
    assert len(view.widgets()) == built  # the turn that let the picture go built nothing: it paints
    qtbot.waitUntil(lambda: bool(missing_at_paint), timeout=2000)
    assert not any(missing_at_paint), missing_at_paint  # every paint showed the screen whole
    assert bar.value() == bar.maximum() and isinstance(
        top_widget(window), AssistantMessageView | UserMessageView
    )


def test_keys_page_through_the_conversation(qtbot: Any, make_window: MakeWindow) -> None:
    chat_id = seed(80)
    window = make_window()
    open_chat(window, chat_id)
    view = window.conversation
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() and view.following
    page(qtbot, window, Qt.Key.Key_PageUp)
    assert bar.maximum() - bar.value() >= view.viewport().height() - 1 and not view.following
    page(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view, Qt.Key.Key_Home)  # the very first message, older pages included
    qtbot.waitUntil(lambda: at_top(window), timeout=10_000)
    chat = window.controller.chat
    assert chat is not None and len(chat.entries) == 160
    # The rows in view are built over a few turns (more on a busy machine): wait for the top one.
    qtbot.waitUntil(lambda: isinstance(top_widget(window), UserMessageView), timeout=5000)
    first = top_widget(window)
    assert isinstance(first, UserMessageView) and first.message is chat.entries[0]
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum() and view.following
    # In a message's text, Page Up still moves the conversation (as the wheel does).
    text = replies(window)[-1].answer.segments[0]
    text.setFocus()
    value = bar.value()
    qtbot.keyClick(text, Qt.Key.Key_PageUp)
    assert bar.value() < value


def test_recycled_views_act_for_the_message_they_show_now(qtbot: Any, make_window: MakeWindow) -> None:
    chat_id = seed(60)
    window = make_window()
    open_chat(window, chat_id)
    chat = window.controller.chat
    assert chat is not None
    for _ in range(30):
        page(qtbot, window, Qt.Key.Key_PageUp)
    qtbot.wait(200)
    deleted: list[object] = []
    window.presenter.delete.connect(deleted.append)
    shown = [w for w in replies(window) if w.isVisible() and w.geometry().bottom() > 0]
    assert shown
    reply_view = shown[0]
    reply = next(e for e in chat.entries if isinstance(e, Reply) and e.message is reply_view.message)
    assert window.presenter.view_for(reply) is reply_view
    reply_view.copy_button.click()
    assert QGuiApplication.clipboard().text() == reply.message.content
    reply_view.delete_button.click()
    assert deleted == [reply]
    # Built widgets are the viewport's children in chat order: what a screen reader reads.
    children = [w for w in window.conversation.viewport().children() if w in window.conversation.widgets()]
    assert children == window.conversation.widgets()
    names = {w.accessibleName() for w in reply_view.findChildren(QWidget)}
    assert {"Thinking", "Show thinking", "Answer", "Reply statistics"} <= names


def test_a_streaming_reply_keeps_its_widget_far_out_of_view(qtbot: Any, make_window: MakeWindow) -> None:
    chat_id = seed(60)
    window = make_window()
    open_chat(window, chat_id)
    chat = window.controller.chat
    assert chat is not None
    last = chat.entries[-1]
    streaming = window.presenter.view_for(last)
    assert streaming is not None
    window.presenter.set_busy(True)  # as while a reply streams into it
    qtbot.keyClick(window.conversation, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: at_top(window), timeout=10_000)
    qtbot.wait(300)
    assert window.presenter.view_for(last) is streaming
    window.presenter.set_busy(False)
    page(qtbot, window, Qt.Key.Key_PageDown, wait_ms=300)
    assert window.presenter.view_for(last) is None  # given back once the reply is done


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_a_long_reasoning_opens_in_slices_and_costs_nothing_while_closed(
    qtbot: Any, make_window: MakeWindow
) -> None:
    long = "\n\n".join(f"Step {i}: " + SENTENCE * 4 for i in range(500))  # about 175,000 characters
    chat_id = seed(3, thinking=lambda i: long if i == 2 else "short")
    window = make_window()
    open_chat(window, chat_id)
    view = replies(window)[-1]
    panel = view.thinking
    assert not panel.expanded and panel.body.text == ""  # nothing rendered while closed
    qtbot.mouseClick(panel.header, Qt.MouseButton.LeftButton)
    first = panel.body.toPlainText()
    assert first.startswith("Step 0:") and len(first) < len(long) // 4  # the first screen at once
    qtbot.waitUntil(lambda: not panel.body.pending, timeout=20_000)
    assert words(panel.body.toPlainText()) == words(long)
    assert len(panel.body.segments) > 10
    qtbot.mouseClick(panel.header, Qt.MouseButton.LeftButton)  # closed again: appends only wait
    panel.append("\n\nOne more thought.")
    assert panel.body.text == long and panel.text.endswith("One more thought.")


def test_rows_built_after_a_theme_switch_use_the_new_theme(
    qtbot: Any, make_window: MakeWindow, ponder_home: Path
) -> None:
    chat_id = seed(60)
    window = make_window()
    open_chat(window, chat_id)
    theme = window.theme
    try:
        theme.preference = "dark"
        theme.apply()
        assert all(v.answer.renderer.theme.name == "dark" for v in replies(window))
        for _ in range(20):
            page(qtbot, window, Qt.Key.Key_PageUp)
        qtbot.wait(200)
        assert replies(window) and all(v.answer.renderer.theme.name == "dark" for v in replies(window))
    finally:
        theme.preference = "light"
        theme.apply()
    assert all(v.answer.renderer.theme.name == "light" for v in replies(window))


def test_a_long_answer_is_rendered_off_the_gui_thread_before_its_row_is_built(
    qtbot: Any, make_window: MakeWindow, monkeypatch: Any
) -> None:
    """Opening a chat whose newest answer is long does not parse it on the GUI thread: the row
    waits (estimated) while the answer renders on a worker, then it is built whole."""
    import app.core.render.parts as parts
    import app.ui.chat.markdown_view as markdown_view
    import app.ui.chat.render_cache as render_cache

    long_answer = "\n\n".join(
        f"## Part {k}\n\n" + SENTENCE * 4 + f"\n\n```python\nx = {k}\nprint(x)\n```" for k in range(12)
    )
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("Long answer")
        store.add_message(chat.id, Message("user", "Explain it at length."))
        store.add_message(chat.id, Message("assistant", long_answer, finish_reason="stop"))
    threads: list[str] = []
    real = parts.render_parts

    def recorded(text: str, *args: Any, **kwargs: Any) -> Any:
        if text == long_answer:
            threads.append(threading.current_thread().name)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(render_cache, "render_parts", recorded)
    monkeypatch.setattr(markdown_view, "render_parts", recorded)
    window = make_window()
    open_chat(window, chat.id)
    assert len(long_answer) > 3000 and not replies(window)  # waiting for its render
    qtbot.waitUntil(lambda: bool(replies(window)), timeout=10_000)
    view = replies(window)[0]
    qtbot.waitUntil(lambda: not view.answer.pending, timeout=10_000)
    assert "Part 11" in view.answer.toPlainText() and "print(x)" in view.answer.toPlainText()
    assert threads and threading.main_thread().name not in threads  # rendered once, on a worker
    assert view.isVisible() and view.geometry().bottom() <= window.conversation.viewport().height()


def test_with_the_rendering_helper_up_a_chats_answers_render_in_it(
    qtbot: Any, make_window: MakeWindow, monkeypatch: Any
) -> None:
    """Once the window's helper process is up, an opened chat's answers are rendered ahead there,
    not on a thread of the window's process, and those in view show whole."""
    import app.core.render.parts as parts
    import app.ui.chat.render_cache as render_cache
    from app.core.render.process import RenderProcess

    answers = [
        f"## Answer {k}\n\n" + SENTENCE * 6 + f"\n\n```python\nprint({k})\n```" for k in range(6)
    ]  # fmt: skip
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("Rendered by the helper")
        for k, answer in enumerate(answers):
            store.add_message(chat.id, Message("user", f"Question {k}"))
            store.add_message(chat.id, Message("assistant", answer, finish_reason="stop"))
    here: list[str] = []
    real = parts.render_parts

    def recorded(text: str, *args: Any, **kwargs: Any) -> Any:
        here.append(text)
        return real(text, *args, **kwargs)

    helper = RenderProcess()
    helper.start()
    try:
        assert helper.wait_until_up(60)
        monkeypatch.setattr(render_cache, "RENDER_PROCESS", helper)
        monkeypatch.setattr(render_cache, "render_parts", recorded)
        window = make_window()
        open_chat(window, chat.id)
        theme = window.presenter.theme()
        qtbot.waitUntil(lambda: all((theme.name, a) in render_cache.CACHE for a in answers), timeout=10_000)
        shown = replies(window)
        assert shown
        for view in shown:
            qtbot.waitUntil(lambda view=view: not view.answer.pending, timeout=10_000)
            assert view.message is not None
            k = answers.index(view.message.content)
            assert f"Answer {k}" in view.answer.toPlainText() and f"print({k})" in view.answer.toPlainText()
        assert not any(text in here for text in answers)  # none rendered in the window's process
    finally:
        helper.close()


def test_tab_goes_through_the_messages_in_their_order_after_views_were_reused(
    qtbot: Any, make_window: MakeWindow
) -> None:
    chat_id = seed(120)
    window = make_window()
    open_chat(window, chat_id)
    for key in [Qt.Key.Key_PageUp] * 12 + [Qt.Key.Key_PageDown] * 6:  # views given back and reused
        page(qtbot, window, key, wait_ms=40)
    qtbot.wait(200)
    view = window.conversation

    def focused() -> QWidget:
        widget = QGuiApplication.focusObject()
        assert isinstance(widget, QWidget)
        return widget

    def row_of_focus() -> int:
        """The index of the row whose message holds the keyboard focus; -1: none does."""
        widget = focused()
        return next((i for i, r in enumerate(view.rows) if r.widget and r.widget.isAncestorOf(widget)), -1)

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # into the first message in view
    visited = [row_of_focus()]
    assert visited[0] >= 0
    for _ in range(60):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        now = row_of_focus()
        if now != visited[-1]:
            visited.append(now)
    assert visited == list(range(visited[0], visited[0] + len(visited))), visited  # one row after the other
    assert len(visited) > 4
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert row_of_focus() in (visited[-1], visited[-2])  # and back


def test_tab_into_a_long_answer_in_view_keeps_the_readers_place(qtbot: Any, make_window: MakeWindow) -> None:
    long_answer = "\n\n".join(f"## Part {k}\n\n" + SENTENCE * 6 for k in range(30))
    with ChatStore(Settings().database_path()) as store:
        chat = store.create_chat("Long answer")
        store.add_message(chat.id, Message("user", "Explain it at length."))
        store.add_message(chat.id, Message("assistant", long_answer, finish_reason="stop"))
    window = make_window()
    open_chat(window, chat.id)
    qtbot.waitUntil(lambda: bool(replies(window)) and not replies(window)[0].answer.pending, timeout=10_000)
    view = window.conversation
    qtbot.wait(100)
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0  # at the end of the answer
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    focused = QGuiApplication.focusObject()
    assert isinstance(focused, QWidget) and replies(window)[0].isAncestorOf(focused)
    assert bar.value() == bar.maximum()  # not thrown back to the answer's first line


def label_view(qtbot: Any, count: int) -> tuple[ConversationView, LabelRows, list[Row]]:
    """A bare view of ``count`` label rows, shown at its end: the screen, and a screen above
    it built while idle."""
    source = LabelRows()
    view, rows = bare_view(qtbot, source, range(count))
    qtbot.wait(300)
    return view, source, rows


def test_idle_building_lets_the_window_answer_between_slices(qtbot: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(conversation, "BREATHE_MS", 50)  # wide, so that a slow machine cannot blur it
    view, source, rows = label_view(qtbot, 200)
    view.scroll_to_row(rows[100])  # a jump: the rows in view are built now
    built = source.built
    QApplication.processEvents()  # the turn right after: the idle slice must not build yet
    assert source.built == built
    qtbot.waitUntil(lambda: source.built > built, timeout=2000)  # ...but it does soon after


class SlowRows(LabelRows):
    """Label rows that each take ``BUILD_S`` to build, as a long answer's would."""

    BUILD_S = 0.04

    def build_row(self, row: Row) -> QWidget:
        time.sleep(self.BUILD_S)
        return super().build_row(row)


def test_a_row_that_would_end_past_its_slice_waits_for_the_next(qtbot: Any, monkeypatch: Any) -> None:
    """A slice with time left for less than a row stops instead of starting one: a 60 ms slice
    of 40 ms rows builds one row, not two."""
    monkeypatch.setattr(conversation, "SLICE_S", 0.06)
    monkeypatch.setattr(conversation, "BREATHE_MS", 0)
    monkeypatch.setattr(turns, "TURN_S", 1.0)  # only the slice's own length limits it
    source = SlowRows()
    _view, _rows = bare_view(qtbot, source, range(40))  # held here: qtbot keeps only a weak reference
    per_turn: list[int] = []
    quiet = 0
    while quiet < 20:  # the screen, then a screen above it, built while idle
        built = source.built
        QApplication.processEvents()  # one turn of the event loop: one slice at most
        per_turn.append(source.built - built)
        quiet = quiet + 1 if per_turn[-1] == 0 else 0
    assert sum(per_turn) >= 3  # the screen was built...
    assert max(per_turn) == 1  # ...one row per slice


def test_the_first_row_built_sets_what_the_next_is_expected_to_cost(qtbot: Any, monkeypatch: Any) -> None:
    """The view's estimate of a row's cost starts from the first row it builds, not from
    nothing: rows set with a 60 ms slice of 40 ms rows build one row, not two."""
    monkeypatch.setattr(conversation, "OPEN_SLICE_S", 0.06)
    source = SlowRows()
    _view, _rows = bare_view(qtbot, source, range(40))  # held: qtbot keeps only a weak reference
    assert source.built == 1


class QuickRows(SlowRows):
    BUILD_S = 0.002


def test_rows_set_build_a_short_slice_and_the_old_picture_holds_until_the_screen_is_whole(qtbot: Any) -> None:
    """Setting rows shares its block of the GUI thread with the caller's work and the paint
    that follows, so it builds a slice shorter than an idle one (3 ms: one 2 ms row). The
    viewport keeps its old picture until slices have built the rest of the screen."""
    source = QuickRows()
    view, rows = bare_view(qtbot, source, range(40))
    assert source.built == 1
    assert view.holding
    qtbot.waitUntil(lambda: not view.holding, timeout=10_000)
    first, last = view._visible()
    assert last - first >= 3 and all(row.widget is not None for row in rows[first:last])
