"""Chats and messages in SQLite: the store, streaming writes, search and export.

Qt-free. See ``db.py`` for the threading and durability model.
"""

from app.core.store.chats import UNSET, ChatStore, NotFoundError
from app.core.store.db import LATEST_VERSION, SchemaTooNewError, connect
from app.core.store.search import SearchHit, search, snippet_html
from app.core.store.writer import ReplyWriter, StoreWorker

__all__ = [
    "LATEST_VERSION",
    "UNSET",
    "ChatStore",
    "NotFoundError",
    "ReplyWriter",
    "SchemaTooNewError",
    "SearchHit",
    "StoreWorker",
    "connect",
    "search",
    "snippet_html",
]
