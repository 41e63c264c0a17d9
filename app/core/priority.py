"""The CPU priority of the window's helper processes: the engine, and the Markdown renderer.

llama.cpp keeps every core busy while it reads a prompt or writes a reply. At the same
priority as the window, the scheduler lets the GUI thread wait behind its threads for tens of
milliseconds at a time: a stalled window while the reply streams. So the engine runs at the
lowest priority (nice 19; Windows' below-normal class), and the GUI thread, which needs a few
percent of one core, gets one sooner; when nothing else wants the CPU, llama.cpp still gets
all of it. Half-way down is not enough. With llama.cpp's stand-in on both cores, the longest
GUI block of ``benchmarks/bench_chat_view.py``'s stream was 13.8-15.5 ms at nice 5 (4 runs)
and 13.4-16.1 at nice 10 (3 runs), the GUI thread waiting 4-7 ms of it for a core; at nice 19
it was 10.2-14.4 ms (median 11.2, 8 runs).

Beside another busy program of normal priority, llama.cpp loses no more at nice 19 than at
nice 5: its threads wait for each other after every step, so one slowed thread slows them all
either way. llama-bench (SmolLM2-135M, 2 threads, 64 tokens) beside a process spinning on one
core: 120 tokens/s at nice 5, 115-121 at nice 19, 168 alone. (On Linux desktops the window and
its children usually have a scheduling group of their own, autogroup or the app's cgroup, and
niceness only weighs tasks inside it.) The command line and the server keep the normal
priority: nothing interactive shares their CPU.
The window's Markdown renderer (:mod:`app.core.render.process`) takes the same priority.
"""

from __future__ import annotations

import sys

import psutil

BACKGROUND_NICENESS = 19  # the lowest


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
