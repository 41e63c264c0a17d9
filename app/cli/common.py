"""What every ``ponder`` command shares: errors and exit codes, argument types, model names,
the library and catalog, and terminal output (tables, JSON, download progress).

Every failure a user can cause becomes a :class:`CliError`: one line on stderr and a
non-zero exit. Everything heavy is imported when a command runs, so ``ponder ask`` does not
pay for the Hub or the catalog.

A progress report becomes a single line redrawn in place (``\\r``) when the output is a
terminal, and a plain line every few seconds (and at each change of phase or file) when
it is a pipe or a file, so logs stay readable.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.core.store.settings import DEFAULT_CONTEXT
from app.core.units import human_size

if TYPE_CHECKING:
    from app.core.hub.library import ModelLibrary
    from app.core.hub.progress import Progress
    from app.core.models.catalog import Catalog

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_PAUSED",
    "CliError",
    "Handler",
    "ProgressPrinter",
    "add_load_options",
    "catalog_or_none",
    "describe_error",
    "duration",
    "emit_json",
    "hub_token",
    "library",
    "load_default_catalog",
    "non_negative",
    "one_line",
    "one_line_errors",
    "positive",
    "resolve_model",
    "table",
]

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
EXIT_PAUSED = 130  # a paused download: not a failure, but scripts can tell it from success

Handler = Callable[[argparse.Namespace, TextIO], int]


class CliError(Exception):
    """A failure to report in one line."""


# ---- argument types --------------------------------------------------------------------
def non_negative(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return n


def positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if n <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return n


def _gpu_layers(value: str) -> int | str:
    if value == "auto":
        return "auto"
    if value == "all":
        return -1
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number, 'auto' or 'all'") from None


def context_size(value: str) -> int:
    """``--ctx``: a number of tokens, or "auto" (0) for the largest context that fits."""
    return 0 if value == "auto" else positive(value)


def add_load_options(p: argparse.ArgumentParser, *, auto_context: bool = False) -> None:
    """How to load a model: for the commands that run one. With ``auto_context`` the context
    defaults to Auto and the KV cache type can be chosen (the commands that chat)."""
    if auto_context:
        p.add_argument(
            "--ctx",
            type=context_size,
            default=0,
            metavar="auto|N",
            help="context size in tokens, or auto: the largest that fits (default auto)",
        )
        p.add_argument(
            "--kv-cache",
            choices=("auto", "f16", "q8_0", "q4_0"),
            default="auto",
            help="KV cache type (default auto: f16, or q8_0 when f16 would not fit the context)",
        )
    else:
        p.add_argument(
            "--ctx",
            type=non_negative,
            default=DEFAULT_CONTEXT,
            help=f"context size in tokens (default {DEFAULT_CONTEXT})",
        )
    p.add_argument("--gpu-layers", type=_gpu_layers, default="auto", help="layers to offload: N, auto or all")
    p.add_argument("--threads", type=non_negative, default=None, help="CPU threads (default: physical cores)")


# ---- errors ----------------------------------------------------------------------------
def one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe_error(exc: Exception) -> str:
    """Any failure of a ``ponder models`` command, in one line."""
    from app.core.gguf.header import GGUFError
    from app.core.hub.errors import AuthRequiredError, HubError
    from app.core.hub.library import ModelNotFoundError
    from app.core.models.catalog import CatalogError

    if isinstance(exc, AuthRequiredError):
        return one_line(f"{exc} Add a token with `ponder models login` (or set HF_TOKEN).")
    if isinstance(exc, HubError | CatalogError | ModelNotFoundError | GGUFError):
        return one_line(str(exc))
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return one_line(f"{exc.strerror or exc}{where}")
    return one_line(f"unexpected error ({type(exc).__name__}): {exc}")


def one_line_errors(handler: Handler) -> Handler:
    """``handler`` with every failure turned into a :class:`CliError` (the library, the Hub and
    the files fail in many ways, and each must still read as one line)."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, out: TextIO) -> int:
        try:
            return handler(args, out)
        except CliError:
            raise
        except Exception as exc:
            raise CliError(describe_error(exc)) from None

    return run


# ---- models, the library, the catalog, the Hub token -------------------------------------
def resolve_model(name: str) -> Path:
    """A path to a model file (a path, a catalog name or a downloaded model's name), or a one-line error."""
    path = Path(name).expanduser()
    if path.exists() or path.suffix.lower() == ".gguf" or "/" in name or "\\" in name:
        return path
    from app.core.hub.library import ModelLibrary, ModelNotFoundError

    try:
        return ModelLibrary().resolve(name)
    except ModelNotFoundError as exc:
        raise CliError(str(exc).replace("`", "'")) from None


def library() -> ModelLibrary:
    from app.core.hub.library import ModelLibrary

    return ModelLibrary()


def load_default_catalog() -> Catalog:
    from app.core.models.catalog import load_catalog

    return load_catalog()


def catalog_or_none() -> Catalog | None:
    from app.core.models.catalog import CatalogError

    try:
        return load_default_catalog()
    except CatalogError:
        return None


def hub_token() -> str | None:
    from app.core.hub.auth import default_token_store

    return default_token_store().get()


# ---- output ----------------------------------------------------------------------------
def emit_json(out: TextIO, data: Any) -> int:
    out.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return 0


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


def duration(seconds: float | None) -> str:
    """A clock-style time left, ``1:05`` or ``2:00:00``; ``--:--`` when unknown."""
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
