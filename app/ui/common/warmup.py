"""First-use costs paid at startup, off the GUI thread.

The first code block in a language makes Pygments import its lexer and compile dozens of
regular expressions (50–100 ms); the first Markdown render builds the parser. Paid while a
reply streams, that is a visible stall; paid on a background thread right after the window
opens, it is not. So are the patterns that put the core's messages in the window's language
(:mod:`app.ui.common.core_text`). The helper process that renders stored messages ahead
(:mod:`app.core.render.process`) starts then too. ``gc.freeze`` then moves everything built
at startup out of the garbage collector's way, which shortens the full collections that
streaming triggers.

The GUI thread shares the interpreter with the engine's reader thread and the rendering
threads: by default a thread that wants the GIL waits up to 5 ms for the one holding it, a
third of a 60 Hz frame each time. ``GIL_SWITCH_S`` cuts that wait.
"""

from __future__ import annotations

import gc
import sys

from app.core.render.process import RENDER_PROCESS, warm_renderer
from app.ui.common.core_text import compile_templates
from app.ui.common.tasks import Task, Tasks

GIL_SWITCH_S = 0.001


def _warm() -> None:
    RENDER_PROCESS.start()  # off the GUI thread: starting a process takes a few milliseconds
    compile_templates()  # before the first engine or hardware message is shown
    warm_renderer()  # this process renders what streams


def settle_startup(tasks: Tasks) -> Task[None]:
    """Call once the window is built: freeze startup objects for GC, hand the GIL over sooner,
    and, on ``tasks``, start the rendering helper and warm the renderer (a failure is only
    logged: the first real render pays instead). What the warm-up built is frozen too once it
    is done: the parser and the lexers live as long as the app, and left to the collector,
    its 13,000 or so objects added 3 to 8 ms to each full collection on this machine."""
    gc.freeze()
    sys.setswitchinterval(GIL_SWITCH_S)
    return tasks.run(_warm, _freeze_warm, name="warmup")


def _freeze_warm(_result: None) -> None:
    gc.freeze()
