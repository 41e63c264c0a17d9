"""The reply stream's bookkeeping of the message: every delta reaches it, none twice, and no
token copies the text so far."""

from __future__ import annotations

from typing import Any

from app.core.chat.chats import Chat, Reply
from app.core.chat.messages import Message, ReplyStats
from app.engine.protocol import EngineError, ReplyFinished, TextDelta
from app.ui.chat.reply_stream import ReplyStream


def streaming(message: Message, resume: str | None = None) -> ReplyStream:
    chat = Chat()
    reply = Reply([message])
    chat.entries.append(reply)
    return ReplyStream(1, chat, reply, message, None, limit=None, resume=resume)


def test_tokens_reach_the_message_at_the_next_repaint_without_a_copy_of_the_text_per_token(
    qtbot: Any,
) -> None:
    message = Message("assistant")
    stream = streaming(message)
    stream.handle(TextDelta("thinking", "Let me think. "))
    stream.flush()
    so_far = message.thinking
    words = [f"step{i} " for i in range(300)]
    for word in words:
        stream.handle(TextDelta("thinking", word))
    # A Python string cannot grow in place: adding each token would build a new one each time.
    assert message.thinking is so_far
    qtbot.waitUntil(lambda: message.thinking == "Let me think. " + "".join(words), timeout=2000)
    stream.handle(TextDelta("answer", "The answer"))
    stream.handle(TextDelta("answer", " is 4."))
    qtbot.waitUntil(lambda: message.content == "The answer is 4.", timeout=2000)


def test_the_message_read_through_the_stream_or_at_an_engine_crash_holds_every_delta(qtbot: Any) -> None:
    message = Message("assistant")
    stream = streaming(message)
    for word in ("Half ", "of ", "a "):
        stream.handle(TextDelta("answer", word))
    assert stream.message.content == "Half of a "  # what saving the reply on quit reads
    stream.handle(TextDelta("answer", "reply"))
    stream.handle(EngineError("crash", "the engine stopped"))
    assert message.content == "Half of a reply" and message.finish_reason == "interrupted"
    assert stream.done


def test_the_finished_answer_of_a_continued_reply_replaces_the_deltas_instead_of_adding_them(
    qtbot: Any,
) -> None:
    message = Message(
        "assistant", thinking="Reasoned.", content="The start, ", stats=ReplyStats(thinking_tokens=3)
    )
    stream = streaming(message, resume="answer")
    stream.handle(TextDelta("answer", "and "))
    stream.handle(TextDelta("answer", "the end."))
    stream.handle(ReplyFinished("", "The start, and the end.", "stop", budget_hit=False, thinking_used=False))
    assert message.content == "The start, and the end."
    assert message.thinking == "Reasoned."
