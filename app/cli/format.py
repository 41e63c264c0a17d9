"""Terminal output for ``ponder models``: aligned tables, sizes, and the download progress.

A progress report becomes a single line redrawn in place (``\\r``) when the output is a
terminal, and a plain line every few seconds (and at each change of phase or file) when
it is a pipe or a file, so logs stay readable.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from typing import TextIO

from app.core.hub.errors import human_size
from app.core.hub.progress import Progress

__all__ = ["ProgressPrinter", "duration", "human_params", "human_size", "table"]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell, two spaces apart; ``right`` columns right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def human_params(n: int | None) -> str:
    if not n:
        return "?"
    if n >= 1e9:
        return f"{n / 1e9:.1f}B"
    return f"{n / 1e6:.0f}M" if n >= 1e6 else f"{n / 1e3:.0f}K"


def duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPrinter:
    """The progress callback of a download, writing to ``out``."""

    BAR = 24

    def __init__(self, out: TextIO, *, tty: bool | None = None, interval: float = 5.0) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.interval = interval
        self._last_line = 0.0
        self._last_key: tuple[str, int] | None = None
        self._drawn = 0  # length of the line now on screen (tty)
        self.last: Progress | None = None

    def __call__(self, p: Progress) -> None:
        self.last = p
        if self.tty:
            self._draw(self.render(p, bar=True))
            if p.phase == "done":
                self.finish()
            return
        key = (p.phase, p.file_index)
        now = time.monotonic()
        if p.phase == "done":  # the caller says where the file went
            return
        if key != self._last_key or now - self._last_line >= self.interval:
            self._last_key, self._last_line = key, now
            self.out.write(self.render(p, bar=False) + "\n")
            self.out.flush()

    def render(self, p: Progress, *, bar: bool) -> str:
        """One report as text; with ``bar`` (a terminal) a bar and no file name, which the
        line above already gave (a split model's part number is kept)."""
        total = f" of {human_size(p.total)}" if p.total else ""
        pct = f"{100 * p.done / p.total:3.0f}%" if p.total else "  ?%"
        part = f"({p.file_index + 1}/{p.file_count})" if p.file_count > 1 else ""
        graph, name = "", f"  {p.file} {part}".rstrip()
        if bar:
            filled = int(self.BAR * p.done / p.total) if p.total else 0
            graph = " [" + "#" * filled + "-" * (self.BAR - filled) + "]"
            name = f"  {part}" if part else ""
        if p.phase == "checking":
            return f"checking{graph} {human_size(p.done)} already downloaded{name}"
        if p.phase == "verifying":
            return f"verifying{graph} {pct}  {human_size(p.done)}{total}{name}"
        if p.phase == "done":
            return f"done{graph} {pct}  {human_size(p.done)}{total}"
        speed = f"{human_size(p.speed)}/s" if p.speed else "-- /s"
        return f"{pct}{graph}  {human_size(p.done)}{total}  {speed}  ETA {duration(p.eta)}{name}"

    def _draw(self, text: str) -> None:
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        text = text[:width]
        pad = max(0, self._drawn - len(text))
        self.out.write("\r" + text + " " * pad)
        self.out.flush()
        self._drawn = len(text)

    def note(self, text: str) -> None:
        """A message on its own line, without breaking the bar."""
        self.finish()
        self.out.write(text + "\n")
        self.out.flush()

    def finish(self) -> None:
        """End the redrawn line (tty) so what follows starts on a fresh one."""
        if self.tty and self._drawn:
            self.out.write("\n")
            self.out.flush()
            self._drawn = 0
