"""Search in text written without spaces: Chinese in messages and in the reasoning, words of
two, three and more characters, with the matches marked in the snippet; and a schema-4
database gaining the index when it is opened."""

from __future__ import annotations

from pathlib import Path

from app.core.chat.messages import Message
from app.core.store import LATEST_VERSION, ChatStore, connect, search, snippet_html
from app.core.store.db import schema_version
from app.core.store.search import HIGHLIGHT_END, HIGHLIGHT_START, plain_snippet


def mark(text: str) -> str:
    return f"{HIGHLIGHT_START}{text}{HIGHLIGHT_END}"


def _fill(store: ChatStore) -> tuple[str, str, str]:
    chat = store.create_chat("翻译")
    user = store.add_message(chat.id, Message(role="user", content="帮我把这段话翻译成英文：今天天气很好。"))
    reply = Message(
        role="assistant",
        content="The weather is nice today.",
        thinking="用户想把一句中文翻译成英文。这句话的意思是天气很好，可以直译。",
        finish_reason="stop",
    )
    store.add_message(chat.id, reply)
    other = store.create_chat("烹饪")
    cooking = store.add_message(other.id, Message(role="user", content="红烧肉怎么做？需要炖多久？"))
    return user.id, reply.id, cooking.id


def test_two_character_words_are_found_inside_a_sentence(store: ChatStore) -> None:
    user, _, cooking = _fill(store)
    hits = search(store, "翻译")
    assert [h.message_id for h in hits] == [user]
    assert mark("翻译") in hits[0].snippet and not hits[0].in_thinking
    assert "<b>翻译</b>" in snippet_html(hits[0].snippet)
    assert [h.message_id for h in search(store, "多久")] == [cooking]
    assert [h.message_id for h in search(store, "肉")] == [cooking]  # one character too


def test_three_and_more_characters_use_the_trigram_index(store: ChatStore) -> None:
    user, _, cooking = _fill(store)
    assert [h.message_id for h in search(store, "翻译成")] == [user]
    whole = "这段话翻译成英文"
    hits = search(store, whole)
    assert [h.message_id for h in hits] == [user] and mark(whole) in hits[0].snippet
    # The whole sentence less its first character: a substring, not a word start.
    assert [h.message_id for h in search(store, "我把这段话翻译成英文")] == [user]
    assert [h.message_id for h in search(store, "红烧肉")] == [cooking]
    assert search(store, "翻译成法文") == []


def test_the_reasoning_only_when_asked(store: ChatStore) -> None:
    user, reply, _ = _fill(store)
    assert search(store, "直译") == []
    hits = search(store, "直译", include_thinking=True)
    assert [h.message_id for h in hits] == [reply] and hits[0].in_thinking
    assert mark("直译") in hits[0].snippet
    long_hits = search(store, "一句中文", include_thinking=True)
    assert [h.message_id for h in long_hits] == [reply] and long_hits[0].in_thinking
    # In both: the message's own text is the snippet.
    both = search(store, "翻译", include_thinking=True)
    assert {h.message_id for h in both} == {user, reply}
    assert next(h for h in both if h.message_id == user).in_thinking is False


def test_every_term_must_occur_and_all_are_marked(store: ChatStore) -> None:
    user, _, _ = _fill(store)
    hits = search(store, "翻译 天气")
    assert [h.message_id for h in hits] == [user]
    assert mark("翻译") in hits[0].snippet and mark("天气") in hits[0].snippet
    assert search(store, "翻译 红烧肉") == []
    assert [h.message_id for h in search(store, "英文 今天天气很好")] == [user]  # short and long


def test_ranking_scoping_and_deleted_chats(store: ChatStore) -> None:
    a = store.create_chat("a")
    b = store.create_chat("b")
    once = store.add_message(a.id, Message(role="user", content="喝茶吗？" + "今天的会议很长。" * 10))
    often = store.add_message(b.id, Message(role="user", content="茶，绿茶，红茶，还是花茶？"))
    assert [h.message_id for h in search(store, "茶")] == [often.id, once.id]
    assert [h.message_id for h in search(store, "茶", chat_id=a.id)] == [once.id]
    store.delete_chat(b.id)
    assert [h.message_id for h in search(store, "茶")] == [once.id]
    long_text = search(store, "今天的会议")[0]
    assert long_text.snippet.endswith("…") and len(plain_snippet(long_text.snippet)) < 60


def test_latin_words_in_chinese_text_and_edits(store: ChatStore) -> None:
    chat = store.create_chat()
    message = store.add_message(chat.id, Message(role="user", content="怎么用Python写一个爬虫？"))
    assert [h.message_id for h in search(store, "Python 爬虫")] == [message.id]
    assert mark("python") not in search(store, "python 爬虫")[0].snippet  # marked as written
    assert mark("Python") in search(store, "python 爬虫")[0].snippet
    message.content = "怎么用Go写一个服务器？"
    store.update_message(message)
    assert search(store, "爬虫") == [] and len(search(store, "服务器")) == 1
    store.delete_message(message.id)
    assert search(store, "服务器") == []
    assert store.connection.execute("INSERT INTO messages_cjk(messages_cjk) VALUES ('integrity-check')")


def test_japanese_and_korean(store: ChatStore) -> None:
    chat = store.create_chat()
    ja = store.add_message(chat.id, Message(role="user", content="東京で美味しいラーメンを食べたい"))
    ko = store.add_message(chat.id, Message(role="user", content="한국어를 배우고 싶어요"))
    assert [h.message_id for h in search(store, "ラーメン")] == [ja.id]
    assert [h.message_id for h in search(store, "東京")] == [ja.id]
    assert [h.message_id for h in search(store, "한국어")] == [ko.id]


def test_streaming_chinese_is_searchable_once_it_ends(store: ChatStore) -> None:
    chat = store.create_chat()
    mid = store.begin_reply(chat.id)
    store.append_reply(mid, "先想一想量子计算", "")
    store.append_reply(mid, "", "量子比特可以处于叠加态")
    assert search(store, "叠加态") == []  # three characters and more go to the trigram index
    reply = store.get_message(mid)
    assert reply is not None
    store.finish_reply(mid, reply)
    assert [h.message_id for h in search(store, "叠加态")] == [mid]
    assert [h.message_id for h in search(store, "量子计算", include_thinking=True)] == [mid]


def test_a_schema_4_database_gets_the_index(db_path: Path) -> None:
    old = connect(db_path, migrate_to=4)
    assert schema_version(old) == 4
    assert not old.execute("SELECT 1 FROM sqlite_master WHERE name = 'messages_cjk'").fetchone()
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', '旧对话', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, thinking, created_at, finish_reason)"
        " VALUES ('m1', 'c1', 'user', '请帮我翻译这段话', '', 1.0, NULL),"
        "        ('m2', 'c1', 'assistant', 'Please translate this.', '用户需要中译英', 2.0, 'stop')"
    )
    old.close()

    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION == 6
        assert [h.message_id for h in search(s, "翻译这段")] == ["m1"]  # rows written before
        assert [h.message_id for h in search(s, "中译英", include_thinking=True)] == ["m2"]
        assert [h.message_id for h in search(s, "translate")] == ["m2"]  # English as before
        s.add_message("c1", Message(role="user", content="再翻译一句"))  # the triggers index new rows
        assert len(search(s, "再翻译一句")) == 1
        assert len(search(s, "翻译")) == 2
