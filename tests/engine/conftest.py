from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.engine.local.client import EngineClient


@pytest.fixture
def engine() -> Iterator[EngineClient]:
    client = EngineClient()
    yield client
    client.close()
    assert not client.alive, "engine process left running"
