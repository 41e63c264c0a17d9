"""Streaming split of model output into reasoning and answer.

The parser takes the raw bytes of each generated token and emits text deltas
tagged ``thinking`` or ``answer``. Its result never depends on how the bytes were
cut into pieces: a tag split over tokens (``<thi`` + ``nk>``) or a UTF-8
character split over tokens gives exactly what the whole text gives at once.
Text that might still turn out to be the start of a tag, or whitespace that a
tag would swallow, is held back until the next piece decides it.
"""

from __future__ import annotations

import codecs
import enum
from dataclasses import dataclass

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


class Phase(enum.Enum):
    START = "start"  # nothing but whitespace seen yet: a <think> may still open
    THINKING = "thinking"
    ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class Delta:
    kind: str  # "thinking" or "answer"
    text: str


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    # Such a suffix starts with the tag's first character, within the last len(tag)-1 characters.
    start = max(0, len(text) - len(tag) + 1)
    i = text.find(tag[0], start)
    while i >= 0:
        if tag.startswith(text[i:]):
            return len(text) - i
        i = text.find(tag[0], i + 1)
    return 0


class ThinkingParser:
    """Incremental ``<think>…</think>`` splitter.

    ``starts_in_thinking`` is for prompts that already end with ``<think>``
    (templates of think-only models); the output then begins inside the reasoning.
    """

    def __init__(self, *, starts_in_thinking: bool = False, phase: Phase | None = None) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.phase = phase or (Phase.THINKING if starts_in_thinking else Phase.START)
        self._pending = ""  # text not yet classified
        self._strip_leading = True  # drop whitespace right after a tag
        self.saw_think_block = self.phase is Phase.THINKING
        self.thinking = ""
        self.answer = ""

    @classmethod
    def resuming(cls) -> ThinkingParser:
        """A parser that continues a reasoning mid-sentence: nothing is stripped."""
        parser = cls(phase=Phase.THINKING)
        parser._strip_leading = False
        return parser

    @classmethod
    def answering(cls) -> ThinkingParser:
        """A parser for the text after a closed think block (leading blank lines dropped)."""
        return cls(phase=Phase.ANSWER)

    @classmethod
    def verbatim(cls) -> ThinkingParser:
        """A parser that takes everything as answer, exactly as generated (raw completions)."""
        parser = cls(phase=Phase.ANSWER)
        parser._strip_leading = False
        return parser

    @property
    def in_thinking(self) -> bool:
        return self.phase is Phase.THINKING

    def feed(self, piece: bytes) -> list[Delta]:
        return self._consume(self._decoder.decode(piece), final=False)

    def finish(self) -> list[Delta]:
        """Flush everything held back: the stream has ended."""
        return self._consume(self._decoder.decode(b"", final=True), final=True)

    def _emit(self, kind: str, text: str, out: list[Delta]) -> None:
        if not text:
            return
        if kind == "thinking":
            self.thinking += text
        else:
            self.answer += text
        if out and out[-1].kind == kind:
            out[-1] = Delta(kind, out[-1].text + text)
        else:
            out.append(Delta(kind, text))

    def _consume(self, text: str, *, final: bool) -> list[Delta]:
        out: list[Delta] = []
        buf = self._pending + text
        self._pending = ""
        while buf:
            if self.phase is Phase.START:
                stripped = buf.lstrip()
                if not stripped:
                    # Only whitespace so far: a <think> may still follow.
                    if final:
                        self.phase = Phase.ANSWER
                        break
                    self._pending = buf
                    return out
                if stripped.startswith(OPEN_TAG):
                    self.phase = Phase.THINKING
                    self.saw_think_block = True
                    self._strip_leading = True
                    buf = stripped[len(OPEN_TAG) :]
                    continue
                if OPEN_TAG.startswith(stripped) and not final:
                    self._pending = buf
                    return out
                self.phase = Phase.ANSWER
                self._strip_leading = True
                continue
            if self.phase is Phase.THINKING:
                if self._strip_leading:
                    buf = buf.lstrip()
                    if not buf:
                        break
                    self._strip_leading = False
                end = buf.find(CLOSE_TAG)
                if end >= 0:
                    # Whitespace before the closing tag belongs to the tag's layout.
                    self._emit("thinking", buf[:end].rstrip(), out)
                    buf = buf[end + len(CLOSE_TAG) :]
                    self.phase = Phase.ANSWER
                    self._strip_leading = True
                    continue
                if final:
                    self._emit("thinking", buf.rstrip(), out)
                    break
                hold = _partial_suffix(buf, CLOSE_TAG)
                body = buf[: len(buf) - hold]
                settled = body.rstrip()
                self._emit("thinking", settled, out)
                self._pending = buf[len(settled) :]
                return out
            # ANSWER: everything is answer text.
            if self._strip_leading:
                buf = buf.lstrip()
                if not buf:
                    break
                self._strip_leading = False
            self._emit("answer", buf, out)
            break
        return out


def split_complete_text(text: str, *, starts_in_thinking: bool = False) -> tuple[str, str]:
    """Parse a whole output at once: ``(thinking, answer)``."""
    parser = ThinkingParser(starts_in_thinking=starts_in_thinking)
    parser.feed(text.encode("utf-8"))
    parser.finish()
    return parser.thinking, parser.answer
