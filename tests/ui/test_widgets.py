"""Pieces of the window on their own: the budget scale, incremental documents, the composer."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from app.core.render import LIGHT, StreamingRenderer, render_markdown
from app.ui.chat.budget_slider import (
    LAST_STEP,
    UNLIMITED_STEP,
    BudgetSlider,
    budget_at,
    budget_label,
    step_for,
)
from app.ui.chat.composer import Composer
from app.ui.chat.markdown_view import SEGMENT_CHARS, SPARE_MS, MarkdownView
from app.ui.chat.rich_view import RichTextView
from app.ui.chat.streaming_doc import DocumentWriter
from app.ui.common.qt import Qt, QTextCursor, QTextDocument


def test_budget_scale_is_logarithmic_with_an_unlimited_end() -> None:
    values = [budget_at(i) for i in range(UNLIMITED_STEP)]
    assert values[0] == 256 and values[LAST_STEP] == 32768
    assert budget_at(UNLIMITED_STEP) is None
    assert all(a < b for a, b in itertools.pairwise(values))  # type: ignore[operator]
    assert values[4] == 512 and values[8] == 1024 and values[12] == 2048
    assert all(step_for(v) == i for i, v in enumerate(values))
    assert step_for(None) == UNLIMITED_STEP
    assert budget_label(None) == "Unlimited" and budget_label(1024) == "1k" and budget_label(1536) == "1.5k"


def test_budget_slider_shows_its_value(qtbot: Any) -> None:
    slider = BudgetSlider()
    qtbot.addWidget(slider)
    assert slider.value() is None and slider.label.text() == "Unlimited"
    slider.set_value(2048)
    assert slider.value() == 2048 and slider.label.text() == "2k"
    slider.slider.setFocus()
    qtbot.keyClick(slider.slider, Qt.Key.Key_Home)
    assert slider.value() == 256 and slider.label.text() == "256"


def test_composer_enter_sends_and_shift_enter_breaks_the_line(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    sent: list[str] = []
    composer.send.connect(sent.append)
    qtbot.keyClicks(composer.edit, "first")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.edit, "second")
    assert composer.text() == "first\nsecond" and sent == []
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert sent == ["first\nsecond"]
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == ["first\nsecond"] * 2
    composer.set_generating(True)
    assert composer.send_button.accessibleName() == "Stop"
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert len(sent) == 2  # Enter does not send (or stop) while a reply is streaming


def test_thinking_support_always_locks_the_toggle_on(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.think.setChecked(False)
    composer.set_thinking_support("always")
    assert composer.think.isChecked() and not composer.think.isEnabled()
    assert composer.budget.isEnabled()
    composer.set_thinking(False)
    assert composer.think.isChecked()


def structure(*docs: QTextDocument) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for doc in docs:
        block = doc.begin()
        while block.isValid():
            fmt = block.blockFormat()
            listed = block.textList()
            out.append(
                (
                    block.text().rstrip(),
                    fmt.headingLevel(),
                    fmt.leftMargin(),
                    QTextCursor(block).currentTable() is not None,
                    str(listed.format().style()) if listed is not None else "",
                )
            )
            block = block.next()
    return out


def reference(view: MarkdownView, source: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultStyleSheet(view.segments[0].document().defaultStyleSheet())
    doc.setHtml(render_markdown(source, LIGHT).html)
    return doc


def stream(view: MarkdownView, source: str, rng: random.Random) -> None:
    i = 0
    while i < len(source):
        n = rng.randint(1, 15)
        view.append(source[i : i + n])
        i += n
    view.finish()


PARTS = [
    "# Heading one\n\n",
    "Some *prose* with **bold**, `code` and a [link](https://example.com).\n\n",
    "- item one\n- item two\n  continued\n- item three\n\n",
    "1. first\n2. second\n\n",
    "> a quote\n> more\n\n",
    "```python\ndef f(x):\n    return x * 2\n```\n\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    "## Sub heading\n",
    "Text right after a heading.\n\n",
    "---\n\n",
    "Line one\nline two\n\n",
    "$$x^2$$\n\n",
    "<b>not bold</b>\n\n",
]


@pytest.mark.parametrize("seed", range(12))
def test_streaming_in_pieces_gives_the_same_document_as_rendering_at_once(qtbot: Any, seed: int) -> None:
    rng = random.Random(seed)
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 300)
    for _ in range(4):
        source = "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 12)))
        view.set_text("", final=False)
        stream(view, source, rng)
        assert len(view.segments) == 1
        assert structure(view.segments[0].document()) == structure(reference(view, source)), source


def test_each_streamed_update_changes_the_document_once() -> None:
    """Replacing the tail is several edits: remove the old tail, insert what settled and the new
    tail, each behind a merge guard that is removed again. Qt lays the document out after each
    change it reports, so a streamed update must report one."""
    rng = random.Random(3)
    source = "".join(rng.choice(PARTS) for _ in range(30))
    doc = QTextDocument()
    writer, renderer = DocumentWriter(doc), StreamingRenderer(LIGHT)
    changes: list[int] = []
    doc.contentsChange.connect(lambda at, _removed, _added: changes.append(at))
    counts, settled = [], 0
    for end in range(7, len(source) + 7, 7):
        update = renderer.update(source[:end])
        changes.clear()
        writer.apply(update.settled_html, update.tail_html)
        if settled:  # the first blocks replace the whole document (setHtml) instead
            counts.append(len(changes))
        settled += bool(update.settled_html)
    assert settled > 5 and len(counts) > 40
    assert counts == [1] * len(counts)


def test_a_long_text_continues_in_new_segments_that_read_as_one(qtbot: Any) -> None:
    rng = random.Random(7)
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    source = "".join(rng.choice(PARTS) for _ in range(600))
    stream(view, source, rng)
    assert len(view.segments) >= max(2, len(source) // (3 * SEGMENT_CHARS))
    docs = [s.document() for s in view.segments]
    assert structure(*docs) == structure(reference(view, source))
    assert all(d.characterCount() < 2 * SEGMENT_CHARS for d in docs)
    assert view.segments[0].accessibleName() == "Answer"
    assert view.segments[1].accessibleName() == "Answer (continued)"
    view.set_text("short")
    assert len(view.segments) == 1 and view.toPlainText() == "short"


def test_a_streamed_text_finds_its_next_segment_made_ready_on_an_earlier_turn(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made on the turn that fills it, a segment's construction, style and first showing would
    add to that turn's layout and paint; a spare one waits, hidden, until text goes into it."""
    rng = random.Random(11)
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    made_while_filling: list[int] = []
    filling = [False]
    apply, init = MarkdownView._apply, RichTextView.__init__

    def counted_init(segment: RichTextView, *args: Any, **kwargs: Any) -> None:
        init(segment, *args, **kwargs)
        if filling[0]:
            made_while_filling.append(len(view.segments))

    def watched_apply(self: MarkdownView, *args: Any, **kwargs: Any) -> None:
        filling[0] = True
        try:
            apply(self, *args, **kwargs)
        finally:
            filling[0] = False

    monkeypatch.setattr(RichTextView, "__init__", counted_init)
    monkeypatch.setattr(MarkdownView, "_apply", watched_apply)
    source = "".join(rng.choice(PARTS) for _ in range(900))
    for start in range(0, len(source), 300):
        view.append(source[start : start + 300])
        qtbot.wait(SPARE_MS * 2)  # a repaint later: the spare is made in between
        spare = [c for c in view.findChildren(RichTextView) if c not in view.segments]
        assert len(spare) <= 1 and not any(c.isVisible() or c.toPlainText() for c in spare)
    view.finish()
    qtbot.waitUntil(lambda: not view.pending)

    assert len(view.segments) >= 3 and made_while_filling == []
    assert all(segment.isVisible() for segment in view.segments)
    assert [s.accessibleName() for s in view.segments[1:]] == ["Answer (continued)"] * (
        len(view.segments) - 1
    )
    docs = [s.document() for s in view.segments]
    assert structure(*docs) == structure(reference(view, source))


def test_a_finished_text_shown_in_pieces_makes_no_spare_segment(qtbot: Any) -> None:
    """It knows where it ends: a spare made ready for it would be a hidden widget for nothing."""
    rng = random.Random(12)
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    source = "".join(rng.choice(PARTS) for _ in range(900))
    view.set_text(source, final=True)  # too long to render at once: it is shown in slices
    assert view.pending
    qtbot.waitUntil(lambda: not view.pending)
    qtbot.wait(SPARE_MS * 3)
    assert len(view.segments) >= 3
    assert [c for c in view.findChildren(RichTextView) if c not in view.segments] == []


def test_the_view_grows_with_its_text(qtbot: Any) -> None:
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(400, 10)
    view.show()
    view.append("One line.")
    short = view.height()
    view.append("\n\n" + "More text. " * 200)
    view.finish()
    qtbot.waitUntil(lambda: view.height() > short * 5)
