"""Another Ponder as the engine: the remote engine knows a ``ponder serve`` and gets its exact
budget (Ponder's clean cut, made by the server), not the rough or absent one of an unknown
OpenAI-compatible server. A real ``ponder serve`` process on 127.0.0.1, a scripted model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.chat.messages import PromptMessage
from app.engine.protocol import Event, GenerateRequest, LoadRequest, ReplyFinished, ReplyStarted, TextDelta
from app.engine.remote.engine import RemoteEngine
from app.testkit.scripted_model import ScriptedModel
from tests.server.harness import Serving, serve
from tests.server.test_openai_client import CUT_AT_10, WRAP_UP_WORDS

HELLO = (PromptMessage("user", "Say hello."),)


@pytest.fixture
def ponder(runaway_model: ScriptedModel, tmp_path: Path) -> Iterator[Serving]:
    with serve(str(runaway_model.path), "--ctx", "2048", env={"PONDER_HOME": str(tmp_path)}) as served:
        yield served
    assert served.proc.returncode == 0, served.err


@pytest.fixture
def engine(ponder: Serving) -> Iterator[RemoteEngine]:
    remote = RemoteEngine(ponder.url.removesuffix("/v1"))
    yield remote
    remote.close()


def ask(engine: RemoteEngine, **kwargs: object) -> tuple[ReplyFinished, list[Event]]:
    events: list[Event] = []
    result = engine.generate_sync(GenerateRequest(HELLO, **kwargs), on_event=events.append)  # type: ignore[arg-type]
    return result, events


def test_a_ponder_server_is_known_and_keeps_the_budget_exactly(
    engine: RemoteEngine, ponder: Serving, runaway_model: ScriptedModel
) -> None:
    loaded = engine.load_sync(LoadRequest("default"))
    assert loaded.info["server"] == "ponder" and loaded.info["server_name"] == "Ponder"
    assert loaded.info["budget_cut"] == "exact" and loaded.info["model"] == ponder.name

    result, events = ask(engine, thinking=True, budget=10)
    (started,) = [e for e in events if isinstance(e, ReplyStarted)]
    assert started.thinking and started.budget == 10  # the window shows "/ 10" beside the count
    assert result.thinking == CUT_AT_10  # the server's clean cut, at the end of a sentence
    assert result.budget_hit and result.cut_reason == "budget"
    assert 0 < result.stats.thinking_tokens <= 10
    assert result.answer == runaway_model.script.answer_text
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta) and e.kind == "thinking")
    assert streamed == CUT_AT_10
    for text in (result.thinking, result.answer):
        assert WRAP_UP_WORDS not in text and "<think>" not in text and "</think>" not in text


def test_thinking_off_on_a_ponder_server(engine: RemoteEngine, runaway_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest("default"))
    result, events = ask(engine, thinking=False, budget=10)
    (started,) = [e for e in events if isinstance(e, ReplyStarted)]
    assert not started.thinking and started.budget is None
    assert result.thinking == "" and not result.budget_hit and result.cut_reason is None
    assert result.answer == runaway_model.script.answer_text
