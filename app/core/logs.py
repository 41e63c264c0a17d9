"""The app's log file, in the platform's log folder (never next to the executable).

Only what helps a bug report goes here: errors shown to the user, engine crashes, load
times. Never message text, never tokens or credentials.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path


def log_dir() -> Path:
    home = os.environ.get("PONDER_HOME")
    if home:
        return Path(home).expanduser() / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("Ponder", appauthor=False))


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the ``ponder`` loggers to a rotating file; None when the folder is not writable."""
    logger = logging.getLogger("ponder")
    if any(isinstance(h, RotatingFileHandler) for h in logger.handlers):
        return Path(next(h.baseFilename for h in logger.handlers if isinstance(h, RotatingFileHandler)))
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            folder / "ponder.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return Path(handler.baseFilename)
