from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.store import ChatStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ponder.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[ChatStore]:
    with ChatStore(db_path) as s:
        yield s


@pytest.fixture
def ponder_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PONDER_HOME", str(home))
    return home
