"""``ponder --self-test [MODEL]``: start the real window, ask one question, check the reply.

Works from a source checkout and from the frozen app, on screen or offscreen (when
there is no display). It drives the window through the accessible names a screen
reader uses — the composer "Message", the "Send" button, the "Thinking" panel and
the "Answer" — so it checks what a user would see. Without MODEL it writes the
built-in scripted Qwen3 model (a few MB) to a temporary folder. User data is not
touched: everything lives in a temporary PONDER_HOME.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.main_window import WindowDriver

TIMEOUT_S = 180.0
QUESTION = "Say hello."


def _process_age_s() -> float:
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:  # psutil missing or no permission: report from import time instead
        return 0.0


def run_self_test(model: str | None = None) -> int:
    home = tempfile.mkdtemp(prefix="ponder-selftest-")
    os.environ.setdefault("PONDER_HOME", home)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    expected_answer = None
    if model is None:
        from app.testkit.scripted_model import write_scripted_model

        scripted = write_scripted_model(Path(home) / "ponder-selftest.gguf")
        model, expected_answer = str(scripted.path), scripted.script.answer_text
    elif not Path(model).is_file():
        print(f"self-test FAILED: model file not found: {model}", file=sys.stderr)
        return 1
    return _SelfTest(model, expected_answer).run()


class _SelfTest:
    def __init__(self, model: str, expected_answer: str | None) -> None:
        self.model = model
        self.expected_answer = expected_answer
        self.failure: str | None = None
        self.notes: list[str] = []

    def run(self) -> int:
        from app.core.render.process import RENDER_PROCESS
        from app.ui.common.prefs import Preferences
        from app.ui.common.qt import QApplication, QTimer
        from app.ui.common.tasks import Tasks
        from app.ui.common.theme import ThemeManager
        from app.ui.common.warmup import settle_startup
        from app.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ponder"])
        assert isinstance(app, QApplication)
        self.window: WindowDriver = MainWindow(ThemeManager(app, "system"), Preferences()).driver()
        window = self.window.widget
        window.resize(1100, 760)
        window.show()
        app.processEvents()
        self.notes.append(f"window visible {_process_age_s():.2f} s after the process started")
        startup = Tasks(name="startup")
        settle_startup(startup)  # as the app does: this starts the rendering helper process
        started = time.monotonic()
        steps: list[tuple[str, Callable[[], bool]]] = [
            ("render Markdown in the helper process", self._helper_renders),
            ("load the model", self._loaded),
            ("send a message with thinking on", self._send),
            ("receive the reply", self._replied),
            ("show the thinking panel and the answer", self._check_reply),
        ]
        timer = QTimer()
        timer.setInterval(50)

        def tick() -> None:
            try:
                if time.monotonic() - started > TIMEOUT_S:
                    self.failure = f"timed out at step: {steps[0][0]}"
                elif steps[0][1]():
                    name, _check = steps.pop(0)
                    self.notes.append(f"{name}: ok ({time.monotonic() - started:.2f} s)")
            except _Failed as exc:
                self.failure = f"{steps[0][0]}: {exc}"
            if self.failure or not steps:
                timer.stop()
                app.quit()

        timer.timeout.connect(tick)
        timer.start()
        self.window.load_model(self.model)
        app.exec()
        self.window.shutdown()
        window.close()
        startup.shutdown()
        RENDER_PROCESS.close()
        if self.failure:
            print(f"self-test FAILED: {self.failure}", file=sys.stderr)
            return 1
        for note in self.notes:
            print(f"self-test: {note}")
        print("self-test: OK")
        return 0

    # -- steps ---------------------------------------------------------------------
    def _named(self, name: str) -> list[object]:
        from app.ui.common.qt import QWidget

        return [w for w in self.window.widget.findChildren(QWidget) if w.accessibleName() == name]

    def _helper_renders(self) -> bool:
        from app.core.render import LIGHT, render_parts
        from app.core.render.process import RENDER_PROCESS, WARM_UP_TEXT

        if RENDER_PROCESS.pid is None:
            return False  # still starting; one that never comes up runs into the timeout
        rendered = RENDER_PROCESS.render([WARM_UP_TEXT], LIGHT)
        if rendered is None:
            raise _Failed("the helper process was lost")
        if rendered != [render_parts(WARM_UP_TEXT, LIGHT)]:
            raise _Failed("the helper process rendered differently")
        return True

    def _loaded(self) -> bool:
        problem = self.window.model_problem()
        if problem is not None:
            raise _Failed(problem or "the model did not load")
        return self.window.model_ready()

    def _send(self) -> bool:
        from app.ui.common.qt import QPlainTextEdit, QPushButton, QToolButton

        edits = [w for w in self._named("Message") if isinstance(w, QPlainTextEdit)]
        sends = [w for w in self._named("Send") if isinstance(w, (QPushButton, QToolButton))]
        toggles = [w for w in self._named("Think") if isinstance(w, (QPushButton, QToolButton))]
        if not edits or not sends:
            raise _Failed("the composer or the Send button is missing")
        if toggles and toggles[0].isEnabled() and not toggles[0].isChecked():
            toggles[0].click()
        edits[0].setPlainText(QUESTION)
        sends[0].click()
        if not self.window.replying():
            raise _Failed("the message was not sent")
        return True

    def _replied(self) -> bool:
        return not self.window.replying()

    def _check_reply(self) -> bool:
        from app.ui.common.qt import QAbstractButton, QPlainTextEdit, QTextBrowser

        answers = [w for w in self._named("Answer") if isinstance(w, (QTextBrowser, QPlainTextEdit))]
        if not answers:
            raise _Failed("no answer appeared")
        text = answers[-1].toPlainText().strip()
        if not text:
            raise _Failed("the answer is empty")
        if self.expected_answer is not None and text != self.expected_answer:
            raise _Failed(f"unexpected answer {text!r}")
        if self.window.thinking_support() != "never":
            headers = [w for w in self._named("Show thinking") if isinstance(w, QAbstractButton)]
            if not self._named("Thinking") or not headers:
                raise _Failed("no thinking panel appeared")
            if not headers[-1].text().startswith("Thought for"):
                raise _Failed(f"unexpected thinking header {headers[-1].text()!r}")
            self.notes.append(f"thinking panel: {headers[-1].text()}")
        self.notes.append(f"answer: {text[:60]!r}")
        return True


class _Failed(Exception):
    pass
