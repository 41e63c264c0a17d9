"""Whose turn it is on an engine that several clients share: the window and its server.

An engine runs one reply at a time and refuses a second ("busy"). :class:`EngineTurns` hands
the engine to one client at a time, in the order they asked: a client asks for a turn
(:meth:`EngineTurns.ask`), starts its reply once the turn is its, and gives the turn back
(:meth:`EngineTurns.done`) when the reply has ended; the next in line then gets it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

__all__ = ["EngineTurns", "Turn"]


class Turn:
    """One client's place in line. :attr:`at_once`: it was granted when asked (no callback
    follows); otherwise ``on_turn`` runs once it is granted, on the thread that passed it on."""

    def __init__(self, on_turn: Callable[[], None] | None, at_once: bool) -> None:
        self.at_once = at_once
        self._on_turn = on_turn
        self._granted = threading.Event()
        if at_once:
            self._granted.set()

    @property
    def granted(self) -> bool:
        return self._granted.is_set()

    def wait(self, timeout: float) -> bool:
        """Whether the turn is granted, waiting up to ``timeout`` seconds for it."""
        return self._granted.wait(timeout)


class EngineTurns:
    """The engine's turns, one holder at a time, first asked first served (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: Turn | None = None
        self._waiting: deque[Turn] = deque()

    @property
    def held(self) -> bool:
        return self._holder is not None

    @property
    def waiting(self) -> int:
        """How many clients wait in line."""
        return len(self._waiting)

    def ask(self, on_turn: Callable[[], None] | None = None) -> Turn:
        """A place in line: granted at once when nobody holds the engine (``at_once``, and
        ``on_turn`` is not called), else ``on_turn`` runs when the turn comes."""
        with self._lock:
            turn = Turn(on_turn, at_once=self._holder is None)
            if turn.at_once:
                self._holder = turn
            else:
                self._waiting.append(turn)
        return turn

    def done(self, turn: Turn) -> None:
        """The turn's reply ended, or it is no longer wanted: the next in line gets the engine
        (a waiting turn just leaves the line). Safe to call twice."""
        with self._lock:
            if turn is not self._holder:
                if turn in self._waiting:
                    self._waiting.remove(turn)
                return
            following = self._waiting.popleft() if self._waiting else None
            self._holder = following
            if following is not None:
                following._granted.set()
        if following is not None and following._on_turn is not None:
            following._on_turn()  # outside the lock: it may ask or give back turns itself
