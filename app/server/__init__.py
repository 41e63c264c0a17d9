"""``ponder serve``: the OpenAI-compatible API on top of an engine (see :mod:`app.server.app`)."""
