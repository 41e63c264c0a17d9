"""The row of a streaming reply, from its start to its end or its recovery after a crash.

Found by mutation testing (scripts/mutation.py recovery): each test names a behaviour that
a surviving mutant changed without any test noticing.
"""

from __future__ import annotations

import pytest

from app.core.chat.messages import Message
from app.core.store import ChatStore, NotFoundError


def test_a_new_reply_is_an_assistant_message_that_streams(store: ChatStore) -> None:
    chat = store.create_chat()
    reply_id = store.begin_reply(chat.id)
    saved = store.get_message(reply_id)
    assert saved is not None and saved.role == "assistant" and saved.finish_reason is None
    assert store.is_streaming(reply_id)


def test_a_reply_begun_from_an_old_version_is_not_finished_yet(store: ChatStore) -> None:
    # A regenerated reply starts from the old one's settings, not from its end.
    chat = store.create_chat()
    reply_id = store.begin_reply(chat.id, Message("assistant", budget=64, finish_reason="stop"))
    saved = store.get_message(reply_id)
    assert saved is not None and saved.finish_reason is None and saved.budget == 64
    assert store.is_streaming(reply_id)
    assert [m.id for m in store.recover_interrupted()] == [reply_id]


def test_deltas_go_to_their_own_part(store: ChatStore) -> None:
    chat = store.create_chat()
    reply_id = store.begin_reply(chat.id)
    store.append_reply(reply_id, answer_delta="Hello")
    store.append_reply(reply_id, "hmm")
    store.append_reply(reply_id)  # nothing to add
    saved = store.get_message(reply_id)
    assert saved is not None and (saved.thinking, saved.content) == ("hmm", "Hello")


def test_a_finished_reply_without_a_reason_stopped_by_itself(store: ChatStore) -> None:
    chat = store.create_chat()
    reply_id = store.begin_reply(chat.id)
    store.finish_reply(reply_id, Message("assistant", "done"))
    saved = store.get_message(reply_id)
    assert saved is not None and saved.finish_reason == "stop" and not store.is_streaming(reply_id)


def test_writing_to_a_reply_that_is_gone_says_which(store: ChatStore) -> None:
    with pytest.raises(NotFoundError, match="no message 'gone-1'"):
        store.append_reply("gone-1", "a", "b")
    with pytest.raises(NotFoundError, match="no message 'gone-2'"):
        store.finish_reply("gone-2", Message("assistant", "x"))
    assert not store.is_streaming("gone-3")
