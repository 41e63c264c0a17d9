"""The chat list updates in place: opening a chat or renaming one rebuilds nothing (a list of a
thousand chats costs the GUI thread more than a frame to rebuild)."""

from __future__ import annotations

from typing import Any

from app.core.chat.chats import Chat
from app.ui.common.qt import QApplication, QColor, QPalette
from app.ui.history.sidebar import PINNED_ROLE, Sidebar


def items(bar: Sidebar) -> list[Any]:
    return [bar.list.item(i) for i in range(bar.list.count())]


def test_same_chats_update_in_place_and_a_new_order_rebuilds(qtbot: Any) -> None:
    bar = Sidebar()
    qtbot.addWidget(bar)
    chats = [Chat(title=f"Chat {i}") for i in range(1000)]
    opened: list[str] = []
    bar.selected.connect(opened.append)

    bar.set_chats(chats, chats[0].id)
    first = items(bar)
    assert [i.text() for i in first[:2]] == ["Chat 0", "Chat 1"] and bar.list.currentRow() == 0

    # Opening another chat only moves the selection, silently: the window opened it already.
    bar.select(chats[500].id)
    assert bar.list.currentRow() == 500 and opened == []
    assert items(bar) == first

    # A rename and a pin change the items themselves, not the list.
    chats[3].title, chats[4].pinned = "Renamed", True
    bar.set_chats(chats, chats[500].id)
    now = items(bar)
    assert now == first and bar.list.currentRow() == 500
    assert now[3].text() == "Renamed" and now[4].data(PINNED_ROLE) is True and not now[4].icon().isNull()
    assert now[4].toolTip() == "Chat 4 (pinned)"

    chats[4].pinned = False
    bar.set_chats(chats, chats[500].id)
    assert now[4].icon().isNull() and now[4].toolTip() == "Chat 4"

    # A chat written to moves to the top: the list follows.
    moved = [chats[7], *chats[:7], *chats[8:]]
    bar.set_chats(moved, chats[7].id)
    assert [bar.list.item(i).text() for i in range(3)] == ["Chat 7", "Chat 0", "Chat 1"]
    assert bar.list.currentRow() == 0 and opened == []

    # A chat that is not listed selects nothing.
    bar.select("gone")
    assert bar.list.currentRow() == -1


def test_pins_are_drawn_again_in_a_new_themes_colour(qtbot: Any) -> None:
    bar = Sidebar()
    qtbot.addWidget(bar)
    chats = [Chat(title="Pinned", pinned=True), Chat(title="Plain")]
    bar.set_chats(chats, None)
    before = bar.list.item(0).icon().cacheKey()
    bar.set_chats(chats, None)
    assert bar.list.item(0).icon().cacheKey() == before  # nothing changed: nothing drawn again
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.ButtonText, QColor("#e6edf3"))
    app.setPalette(dark)
    try:
        bar.set_chats(chats, None)
        assert bar.list.item(0).icon().cacheKey() != before and bar.list.item(1).icon().isNull()
    finally:
        app.setPalette(original)
