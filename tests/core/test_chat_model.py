"""The one chat model: titles, reply versions and their deletion, the in-memory repository."""

from __future__ import annotations

from app.core.chat.chats import Chat, MemoryChats, Reply
from app.core.chat.messages import Message
from app.core.chat.titles import DEFAULT_TITLE, TITLE_LIMIT, title_from_text


def test_the_first_user_message_names_the_chat_by_the_title_rule() -> None:
    chat = Chat()
    assert chat.title == DEFAULT_TITLE
    chat.add(Message("user", "   "))
    assert chat.title == DEFAULT_TITLE  # nothing to name it by yet
    text = "How do plants turn sunlight into sugar, and why are most leaves green rather than black?\nMore"
    chat.add(Message("user", text))
    assert chat.title == title_from_text(text)
    assert len(chat.title) <= TITLE_LIMIT and chat.title.endswith("…") and "More" not in chat.title
    chat.add(Message("user", "Another question"))
    assert chat.title == title_from_text(text)
    chat.rename("  ")
    assert chat.title == DEFAULT_TITLE


def test_titles_of_text_without_spaces_are_cut_at_the_limit() -> None:
    text = "为什么天空是蓝色的" * 10
    # The limit counts columns: a Chinese character takes two (issue #15).
    assert title_from_text(text) == text[: (TITLE_LIMIT - 1) // 2] + "…"


def test_versions_of_a_reply_and_deleting_one_or_all() -> None:
    chat = Chat()
    question = Message("user", "Hi")
    chat.add(question)
    first, second = Message("assistant", "one"), Message("assistant", "two")
    reply = chat.add(first)
    assert isinstance(reply, Reply) and chat.add(second, reply) is reply
    assert reply.index == 1 and chat.messages() == [question, second]

    assert chat.remove(second) is reply  # one version goes, the reply stays
    assert reply.versions == [first] and reply.index == 0 and chat.entries == [question, reply]
    assert chat.remove(first) is None  # the last version takes the reply with it
    assert chat.entries == [question]


def test_truncate_drops_an_entry_and_what_follows() -> None:
    chat = Chat()
    first, later = Message("user", "a"), Message("user", "b")
    chat.add(first)
    reply = chat.add(Message("assistant", "x"))
    chat.add(later)
    assert reply is not None
    chat.truncate(reply)
    assert chat.entries == [first]


def test_memory_chats_use_the_model() -> None:
    repo = MemoryChats()
    chat = repo.create_chat("  ")
    assert chat.title == DEFAULT_TITLE
    repo.add_message(chat.id, Message("user", "Line one\nline two"))
    assert chat.title == "Line one"
    answer = Message("assistant", "hello")
    repo.add_message(chat.id, answer)
    again = Message("assistant", "hello again")
    reply = chat.reply_for(answer)
    repo.add_message(chat.id, again, reply=reply)
    repo.delete_message(chat.id, again)
    assert reply is not None and reply.versions == [answer]
