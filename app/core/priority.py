"""The CPU priority of the window's helper processes: the engine, and the Markdown renderer.

llama.cpp keeps every core busy while it reads a prompt or writes a reply. At the same
priority as the window, the scheduler lets the GUI thread wait behind its threads for tens of
milliseconds at a time: a stalled window while the reply streams. A notch lower (nice 5, or
Windows' below-normal class) and the GUI thread, which needs a few percent of one core, runs
as soon as it wakes; when nothing else wants the CPU, llama.cpp still gets all of it. The
command line and the server keep the normal priority: nothing interactive shares their CPU.
The window's Markdown renderer (:mod:`app.core.render.process`) takes the same priority.
"""

from __future__ import annotations

import sys

import psutil

BACKGROUND_NICENESS = 5


def run_in_background() -> bool:
    """Lower this process's CPU priority, before llama.cpp starts its threads (on Linux each
    thread has its own niceness and new threads take their creator's). False if refused."""
    try:
        me = psutil.Process()
        if sys.platform == "win32":
            me.nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        elif me.nice() < BACKGROUND_NICENESS:
            me.nice(BACKGROUND_NICENESS)
    except (psutil.Error, OSError):
        return False
    return True
