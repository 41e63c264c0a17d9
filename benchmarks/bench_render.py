"""Stream a ~20,000-token Markdown answer through StreamingRenderer and time each update.

    python benchmarks/bench_render.py [--step 16] [--sections 110] [--theme light]

Prints the mean and max render time per update near the start and near the end of the
message and their ratio (about 1 when the cost does not grow with the message length),
plus the characters given to markdown-it / lexed by Pygments per update.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.render import StreamingRenderer, render_markdown


def answer(sections: int) -> str:
    """A long answer in the shape models write: prose, lists, code, tables, quotes, math."""
    out = []
    for i in range(sections):
        out.append(
            f"## {i + 1}. Handling case {i}\n\n"
            f"When the input has **{i} items**, call `handle_{i}()` first; see the "
            f"[reference](https://example.org/docs/{i}) for details. The cost grows as "
            f"$O(n \\log n)$, and with $k = {i}$ buckets the expected load is $\\frac{{n}}{{k}}$. "
            "In practice this means the slow path is rare, but it still has to be correct, so "
            "the code below checks every boundary explicitly.\n\n"
            f"1. Validate the input.\n2. Split it into {i + 2} parts.\n3. Merge the results:\n"
            "   - keep the order\n   - drop duplicates\n\n"
            f"```python\ndef handle_{i}(items: list[int]) -> list[int]:\n"
            "    seen: set[int] = set()\n    result = []\n    for item in items:\n"
            "        if item in seen:\n            continue\n        seen.add(item)\n"
            "        result.append(item)\n\n    # stable, linear\n    return result\n```\n\n"
            "| input | output | note |\n|:------|-------:|------|\n"
            f"| [1, 1, {i}] | [1, {i}] | duplicate dropped |\n| [] | [] | empty |\n"
            f"| [{i}, 2] | [{i}, 2] | order kept |\n\n"
            f"> **Tip {i}:** run the tests after each change.\n\n"
        )
    return "".join(out) + "That covers every case.\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=16, help="characters per update (~4 tokens)")
    parser.add_argument("--sections", type=int, default=85)
    parser.add_argument("--theme", default="light")
    args = parser.parse_args()

    text = answer(args.sections)
    start = time.perf_counter()
    render_markdown(answer(1), args.theme)  # warm-up: parser set-up, Pygments lexer import
    warm_up = time.perf_counter() - start
    renderer = StreamingRenderer(args.theme)
    times: list[float] = []
    parsed: list[int] = []
    lexed: list[int] = []
    total_start = time.perf_counter()
    for end in range(args.step, len(text) + args.step, args.step):
        start = time.perf_counter()
        renderer.update(text[:end])
        times.append(time.perf_counter() - start)
        parsed.append(renderer.last_parsed_chars)
        lexed.append(renderer.last_lexed_chars)
    renderer.finish()
    total = time.perf_counter() - total_start

    start = time.perf_counter()
    one_shot = render_markdown(text, args.theme)
    one_shot_s = time.perf_counter() - start

    window = max(1, len(times) // 10)
    early, late = times[:window], times[-window:]
    mean_e, mean_l = statistics.fmean(early), statistics.fmean(late)
    print(f"message: {len(text):,} chars (~{len(text) // 4:,} tokens), {len(times):,} updates")
    print(f"early (first {window} updates): mean {mean_e * 1e3:.3f} ms  max {max(early) * 1e3:.3f} ms")
    print(f"late  (last  {window} updates): mean {mean_l * 1e3:.3f} ms  max {max(late) * 1e3:.3f} ms")
    print(f"ratio late/early: mean {mean_l / mean_e:.2f}  max {max(late) / max(early):.2f}")
    print(f"markdown-it chars per update: early max {max(parsed[:window])}, late max {max(parsed[-window:])}")
    print(f"Pygments chars per update:    early max {max(lexed[:window])}, late max {max(lexed[-window:])}")
    print(f"warm-up (first render in the process, not in the figures): {warm_up * 1e3:.1f} ms")
    print(f"whole stream {total:.2f} s; one-shot render of the full text {one_shot_s * 1e3:.1f} ms")
    print(f"streamed result identical to one-shot: {renderer.html == one_shot.html}")


if __name__ == "__main__":
    main()
