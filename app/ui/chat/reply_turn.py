"""A window reply's turn on the engine it shares with the server (Settings ▸ Server).

The reply starts once the engine is the window's (``bridge.turns``): at once when nobody holds
it, else as soon as the server's reply that holds it has ended. Meanwhile the reply's view says
that it waits, and Stop withdraws it without touching the server's reply.
"""

from __future__ import annotations

from app.core.chat.messages import ReplyStats
from app.engine.protocol import EngineError, GenerateRequest, ReplyFinished
from app.ui.chat.reply_stream import ReplyStream
from app.ui.common.bridge import EngineBridge
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, Qt, Signal


class ReplyTurn(QObject):
    """Starts ``stream``'s reply (``request``) on the bridge's engine when its turn comes, and
    gives the turn back when the reply ends."""

    _granted = Signal()  # emitted on the thread that passed the turn on

    def __init__(self, bridge: EngineBridge, stream: ReplyStream, request: GenerateRequest) -> None:
        super().__init__(stream)
        self.bridge = bridge
        self.stream = stream
        self.request = request
        self.started = False
        self._before = ""  # what the reply's status said before it waited
        self._granted.connect(self._start, Qt.ConnectionType.QueuedConnection)
        stream.finished.connect(self._give_back)
        self._turn = bridge.turns.ask(self._granted.emit)
        if self._turn.at_once:
            self._start()
        elif stream.view is not None:
            self._before = stream.view.status.text()
            stream.view.status.setText(tr("Waiting for the server's reply…"))
            stream.view.status.show()

    @property
    def waiting(self) -> bool:
        """The reply waits for its turn: nothing runs on the engine for it yet."""
        return not self.started and not self.stream.done

    def withdraw(self) -> None:
        """Stop a reply that waits: it ends as stopped, and the reply holding the engine goes on."""
        if self.waiting:
            self.stream.handle(
                ReplyFinished("", "", "cancelled", budget_hit=False, thinking_used=False, stats=ReplyStats())
            )

    def _start(self) -> None:
        stream = self.stream
        if stream.done:  # stopped, or the window closed, while the turn was on its way
            self._give_back()
            return
        self.started = True
        if self._before and stream.view is not None:
            stream.view.status.setText(self._before)
        rid = self.bridge.engine.generate(self.request)
        stream.request_id = rid
        if rid == 0:  # the engine refused at once (not running); its error event follows
            stream.handle(EngineError("crash", "The engine is not running."))

    def _give_back(self) -> None:
        self.bridge.turns.done(self._turn)
