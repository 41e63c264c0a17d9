"""``ponder serve``'s server: an OpenAI-compatible API over one engine with a model loaded.

The engine stays its owner's: the CLI's or the window's. The server queues replies on it
(:class:`~app.server.scheduler.ReplyQueue`) and answers HTTP on its own threads until
:meth:`ApiServer.close`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from app.engine.base import Engine
from app.engine.turns import EngineTurns
from app.server.config import ServerConfig, check_bind
from app.server.http import HttpServer
from app.server.scheduler import EngineEvents, EventSource, ReplyQueue

__all__ = ["ApiServer"]


class ApiServer:
    """Serves ``engine``'s model as ``model`` (``aliases`` are accepted in requests too).

    ``source`` is where the engine's events come from: by default the engine's own queue
    (an engine made without a callback); the window hands them over with a
    :class:`~app.server.scheduler.FedEvents`, and its replies take ``turns`` on the engine
    with the server's.
    """

    def __init__(
        self,
        engine: Engine,
        config: ServerConfig,
        model: str,
        *,
        aliases: Sequence[str] = (),
        source: EventSource | None = None,
        turns: EngineTurns | None = None,
    ) -> None:
        check_bind(config)
        self.config = config
        self.names = (model, *(a for a in aliases if a and a != model))
        self.created = int(time.time())
        self.replies = ReplyQueue(engine, source or EngineEvents(engine), config.max_waiting, turns)
        self._httpd: HttpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen (an OSError when the port is taken) and serve on background threads."""
        self._httpd = HttpServer(self)
        self.replies.start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="ponder-server", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL clients use (``…/v1``)."""
        host = self.config.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        elif ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/v1"

    def model_object(self) -> dict[str, Any]:
        return {"id": self.names[0], "object": "model", "created": self.created, "owned_by": "ponder"}

    def close(self) -> None:
        """Stop listening, fail what waits, cancel what runs, end every connection; safe twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        self.replies.close()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
