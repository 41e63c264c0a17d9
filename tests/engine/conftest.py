from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.engine.local.engine import LocalEngine


@pytest.fixture
def engine() -> Iterator[LocalEngine]:
    client = LocalEngine()
    yield client
    client.close()
    assert not client.alive, "engine process left running"
