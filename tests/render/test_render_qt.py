"""The rendered HTML in a real QTextDocument: nothing is fetched, links are what we allow.

Only this test touches Qt; the renderer itself (app/core/render) never imports it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6.QtGui")

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument, QTextTable

from app.core.render import StreamingRenderer, document_stylesheet, render_markdown

HOSTILE = """# Report

Text with <img src="http://example.com/raw.png"> and <script>alert(1)</script>.

![remote cat](http://example.com/cat.png) ![local](file:///etc/passwd)
[js](javascript:alert(1)) [ok](https://example.org/) <style>p{background:url(http://x)}</style>

| a | b |
|---|---|
| <iframe src="http://evil"> | $x^2$ |

```python
print("hi")
```
"""


class RecordingDocument(QTextDocument):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        self.requests.append(name.toString() if isinstance(name, QUrl) else name)
        return None


def anchors(doc: QTextDocument) -> list[str]:
    hrefs = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                hrefs.append(fmt.anchorHref())
            it += 1
        block = block.next()
    return hrefs


def laid_out(html: str, theme: str = "light") -> RecordingDocument:
    doc = RecordingDocument()
    doc.setDefaultStyleSheet(document_stylesheet(theme))
    doc.setHtml(html)
    doc.setTextWidth(600)
    doc.size()  # layout is what makes Qt ask for images
    return doc


def test_control_raw_html_would_load_resources(qapp: Any) -> None:
    doc = laid_out('<p style="background-image:url(http://e.org/b.png)"><img src="http://e.org/a.png"></p>')
    assert doc.requests == ["http://e.org/b.png", "http://e.org/a.png"]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_qt_document_loads_nothing_and_links_are_safe(qapp: Any, theme: str) -> None:
    doc = laid_out(render_markdown(HOSTILE, theme).html, theme)
    assert doc.requests == []
    text = doc.toPlainText()
    assert '<img src="http://example.com/raw.png">' in text
    assert "<script>alert(1)</script>" in text
    assert "🖼 remote cat" in text and "🖼 local" in text
    assert "x²" in text and 'print("hi")' in text
    hrefs = anchors(doc)
    assert set(hrefs) == {"http://example.com/cat.png", "https://example.org/", "copy:0"}


def test_qt_sees_tables_for_markdown_tables_and_code(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setHtml(render_markdown(HOSTILE).html)
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 2  # the Markdown table and the code block frame
    assert (tables[0].rows(), tables[0].columns()) == (2, 2)


def test_streamed_pieces_look_like_one_shot(qapp: Any) -> None:
    renderer = StreamingRenderer()
    for end in range(0, len(HOSTILE) + 1, 5):
        renderer.update(HOSTILE[:end])
    renderer.finish()
    streamed, whole = QTextDocument(), QTextDocument()
    streamed.setHtml("".join(renderer.settled_parts))
    whole.setHtml(render_markdown(HOSTILE).html)
    assert streamed.toPlainText() == whole.toPlainText()
