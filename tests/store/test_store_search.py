from __future__ import annotations

from dataclasses import replace

from app.core.chat.messages import Message
from app.core.store import ChatStore, search, snippet_html
from app.core.store.search import HIGHLIGHT_END, HIGHLIGHT_START, fts_query, plain_snippet
from app.core.store.turns import restart_reply


def _fill(store: ChatStore) -> tuple[str, str]:
    chat = store.create_chat("Astronomy")
    store.add_message(chat.id, Message(role="user", content="Why is the sky blue?"))
    reply = Message(
        role="assistant",
        content="Because of Rayleigh scattering of sunlight in the atmosphere.",
        thinking="The user asks about the sky colour. Shorter wavelengths scatter more.",
        finish_reason="stop",
    )
    store.add_message(chat.id, reply)
    other = store.create_chat("Cooking")
    store.add_message(other.id, Message(role="user", content="How long do I boil an egg?"))
    return chat.id, reply.id


def test_finds_answers_and_user_messages_with_highlight(store: ChatStore) -> None:
    chat_id, reply_id = _fill(store)
    hits = search(store, "rayleigh")
    assert [(h.chat_id, h.message_id, h.chat_title, h.role) for h in hits] == [
        (chat_id, reply_id, "Astronomy", "assistant")
    ]
    assert f"{HIGHLIGHT_START}Rayleigh{HIGHLIGHT_END}" in hits[0].snippet
    assert not hits[0].in_thinking
    assert "<b>Rayleigh</b>" in snippet_html(hits[0].snippet)
    assert [h.role for h in search(store, "boil egg")] == ["user"]
    assert search(store, "boil volcano") == []  # every word must match


def test_thinking_only_when_asked(store: ChatStore) -> None:
    _, reply_id = _fill(store)
    assert search(store, "wavelengths") == []
    hits = search(store, "wavelengths", include_thinking=True)
    assert [h.message_id for h in hits] == [reply_id]
    assert hits[0].in_thinking
    assert "Shorter " + HIGHLIGHT_START + "wavelengths" + HIGHLIGHT_END in hits[0].snippet


def test_ranking_prefix_and_scoping(store: ChatStore) -> None:
    a = store.create_chat("a")
    b = store.create_chat("b")
    store.add_message(a.id, Message(role="user", content="tea " + "filler words here " * 30))
    dense = store.add_message(b.id, Message(role="user", content="tea tea tea, green tea"))
    hits = search(store, "tea")
    assert hits[0].message_id == dense.id and hits[0].rank <= hits[1].rank
    assert len(search(store, "fill")) == 1  # last word matches as a prefix
    assert search(store, "fill", prefix=False) == []
    assert [h.chat_id for h in search(store, "tea", chat_id=a.id)] == [a.id]


def test_index_follows_edits_deletes_and_soft_deletes(store: ChatStore) -> None:
    chat_id, reply_id = _fill(store)
    message = store.get_message(reply_id)
    assert message is not None
    message.content = "Nitrogen molecules scatter blue light."
    store.update_message(message)
    assert search(store, "rayleigh") == []
    assert len(search(store, "nitrogen")) == 1
    store.delete_chat(chat_id)
    assert search(store, "nitrogen") == []
    store.restore_chat(chat_id)
    assert len(search(store, "nitrogen")) == 1
    store.delete_message(reply_id)
    assert search(store, "nitrogen") == []
    assert store.connection.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")


def test_a_streaming_reply_is_searchable_once_it_ends(store: ChatStore) -> None:
    """Streamed writes leave the index alone (re-indexing the whole reply each half second cost
    more the longer it grew); the reply is indexed when it ends, and leaves the index while a
    finished reply streams again."""
    chat = store.create_chat()
    mid = store.begin_reply(chat.id)
    store.append_reply(mid, "thinking about quasars ", "")
    store.append_reply(mid, "", "Pulsars spin fast")
    assert search(store, "pulsars") == []
    reply = store.get_message(mid)
    assert reply is not None
    store.finish_reply(mid, reply)
    assert [h.message_id for h in search(store, "pulsars")] == [mid]
    assert [h.message_id for h in search(store, "quasars", include_thinking=True)] == [mid]
    restart_reply(store, replace(reply, content="Pulsars spin fast and magnetars"))
    assert search(store, "pulsars") == []
    store.append_reply(mid, "", " glow")
    store.finish_reply(mid, replace(reply, content="Neutron stars glow"))
    assert [h.message_id for h in search(store, "neutron")] == [mid] and search(store, "pulsars") == []
    store.connection.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    store.connection.execute("INSERT INTO messages_cjk(messages_cjk) VALUES ('integrity-check')")


def test_a_reply_left_streaming_by_a_crash_is_indexed_when_recovered(store: ChatStore) -> None:
    chat = store.create_chat()
    mid = store.begin_reply(chat.id)
    store.append_reply(mid, "", "Interrupted talk of comets")
    assert search(store, "comets") == []
    store.recover_interrupted()
    assert [h.message_id for h in search(store, "comets")] == [mid]


def test_deleting_a_streaming_reply_keeps_the_index_whole(store: ChatStore) -> None:
    chat_id, _reply = _fill(store)
    mid = store.begin_reply(chat_id)
    store.append_reply(mid, "", "Half an answer about nebulae")
    store.delete_message(mid)
    assert search(store, "nebulae") == [] and search(store, "rayleigh")
    store.connection.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    store.connection.execute("INSERT INTO messages_cjk(messages_cjk) VALUES ('integrity-check')")


def test_query_is_safe_against_fts_syntax(store: ChatStore) -> None:
    _fill(store)
    for text in ['"', "AND", "sky OR", "NEAR(", "*", "-sky", "col:sky", "'", "()", "   "]:
        search(store, text)  # must not raise
    assert fts_query("  ") == ""
    assert fts_query('say "blue sky" now') == '"say" "blue sky" "now"*'
    assert len(search(store, '"blue sky"')) == 0
    assert len(search(store, '"the sky"')) == 1
    assert plain_snippet(search(store, "sky")[0].snippet).startswith("Why is the sky")
