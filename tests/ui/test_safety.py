"""Model output is untrusted: markup shows as text, nothing loads, links open only on click."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.core.render import LIGHT
from app.testkit.scripted_model import Script, write_scripted_model
from app.ui.chat.markdown_view import MarkdownView
from app.ui.chat.rich_view import RichTextView
from app.ui.common.qt import QGuiApplication, QUrl
from app.ui.main_window import MainWindow
from tests.ui.driver import load, replies, send

REMOTE = "https://tracker.example"  # never reached: what matters is whether a view asks for it


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every resource (image, stylesheet) any rich-text view asks for while the test runs.

    Rendered markup would make Qt ask the view for its ``src``; escaped text never does."""
    requests: list[str] = []
    refuse = RichTextView.loadResource

    def record(self: RichTextView, kind: int, name: QUrl | str) -> Any:
        requests.append(name.toString() if isinstance(name, QUrl) else str(name))
        return refuse(self, kind, name)

    monkeypatch.setattr(RichTextView, "loadResource", record)
    return requests


def test_the_recorder_sees_what_real_markup_would_fetch(qtbot: Any, asked: list[str]) -> None:
    """The check the tests below rely on: markup that reaches a view is asked for."""
    view = RichTextView("Answer")
    qtbot.addWidget(view)
    view.setHtml(f'<p>x <img src="{REMOTE}/pixel.png"></p>')
    view.show()
    qtbot.waitUntil(lambda: bool(asked))
    assert set(asked) == {f"{REMOTE}/pixel.png"}


def no_images(view: MarkdownView) -> bool:
    for segment in view.segments:
        block = segment.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                if it.fragment().charFormat().isImageFormat():
                    return False
                it += 1
            block = block.next()
    return True


def test_hostile_model_output_is_shown_as_text(
    qtbot: Any, window: MainWindow, asked: list[str], tmp_path: Path
) -> None:
    img = f'<img src="{REMOTE}/tracker.png">'
    pieces = (
        "Look",
        ": ",
        "<script>alert(1)</script>",
        " and ",
        img,
        " ![cat](" + REMOTE + "/cat.png)",
        " end.",
    )
    model = write_scripted_model(tmp_path / "hostile.gguf", Script(answer=pieces))
    load(qtbot, window, model)
    send(qtbot, window, "Show me.")
    (reply,) = replies(window)
    text = reply.answer.toPlainText()
    assert "<script>alert(1)</script>" in text
    assert img in text
    assert no_images(reply.answer)
    assert asked == []


def test_streamed_markup_is_never_interpreted(qtbot: Any, asked: list[str]) -> None:
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 200)
    view.show()
    hostile = (
        f"# Title\n\n<img src='{REMOTE}/a.png'> and <iframe src='{REMOTE}/f'></iframe>\n\n"
        f"![remote]({REMOTE}/b.png)\n\n<style>p {{ background: url({REMOTE}/c.png) }}</style>\n\n"
        "[js](javascript:alert(1)) [file](file:///etc/passwd)\n"
    )
    for i in range(0, len(hostile), 7):
        view.append(hostile[i : i + 7])
    view.finish()
    assert asked == []
    assert no_images(view)
    assert "<iframe" in view.toPlainText() and "<style>" in view.toPlainText()
    html = view.segments[0].document().toHtml()
    assert 'href="javascript' not in html and 'href="file' not in html


def test_links_open_only_on_click_and_only_http(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        "app.ui.chat.rich_view.QDesktopServices.openUrl", lambda url: opened.append(url.toString())
    )
    md = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(md)
    md.set_text("See [site](https://example.org/page) and code:\n\n```python\nprint('hi')\n```\n")
    view = md.segments[0]
    assert opened == []  # rendering opens nothing
    for target in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/", "https://a@b.example/"):
        view.anchorClicked.emit(QUrl(target))
    assert opened == []
    view.anchorClicked.emit(QUrl("https://example.org/page"))
    assert opened == ["https://example.org/page"]


def test_copy_link_copies_the_code_block(qtbot: Any) -> None:
    md = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(md)
    source = "One:\n\n```python\nprint('one')\n```\n\nTwo:\n\n```sh\necho two\n```\n"
    for i in range(0, len(source), 5):
        md.append(source[i : i + 5])
    md.finish()
    view = md.segments[0]
    view.anchorClicked.emit(QUrl("copy:1"))
    assert QGuiApplication.clipboard().text() == "echo two\n"
    view.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "print('one')\n"
    assert "Copy" in view.toPlainText()


def test_no_resource_is_ever_loaded(qtbot: Any) -> None:
    view = RichTextView("Answer")
    qtbot.addWidget(view)
    assert view.loadResource(2, QUrl(f"{REMOTE}/x.png")) is None
    assert view.loadResource(1, QUrl("file:///etc/passwd")) is None
