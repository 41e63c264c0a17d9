"""What the download tests share: the repository and file they fetch, and a downloader that
retries quickly (the default policy's waits have tests of their own)."""

from __future__ import annotations

from typing import Any

from app.core.hub.download import Downloader, RetryPolicy

REPO = "Qwen/Qwen3-0.6B-GGUF"
FILE = "Qwen3-0.6B-Q8_0.gguf"
CHUNK = 64 * 1024
ATTEMPTS = 3


def downloader(*, attempts: int = ATTEMPTS, **kw: Any) -> Downloader:
    kw.setdefault("token", False)
    kw.setdefault("timeout", 10)
    retry = RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05)
    return Downloader(chunk_size=CHUNK, retry=retry, **kw)
