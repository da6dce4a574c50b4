"""GRAPH.BULK commands sent one ahead of their replies, so packing and ingesting overlap.

Why: a national wave reaches the engine as about 80 bulk commands of up to 4 MB. Sent one at a
time, the client waits while the engine ingests each one (about 1.5 s of a 9 s load, measured at
scale 1) and the engine waits while the client packs the next. With one command in flight, the
client packs command N+1 while the engine ingests command N, on the machine's other core.

Order is kept: the commands share one connection, the engine answers them in the order they
were sent, and the writer waits for every reply (`settle`) before it sends anything else, so a
lookup of relationship ends or a Cypher statement always sees every node sent before it. A
refused command is reported once every command in flight has been answered, so nothing is still
being written into the unit's staging graph when the unit is discarded.
"""

from __future__ import annotations

from typing import Any

import redis

from kb.errors import QueryError

AHEAD = 1  # commands sent before the reply of the first is read


class BulkPipe:
    """GRAPH.BULK commands into one graph, at most AHEAD of them unanswered."""

    def __init__(self, client: redis.Redis, graph: str, ahead: int = AHEAD):
        self._client, self._graph, self._ahead = client, graph, ahead
        self._conn: Any = None  # the connection the commands in flight were sent on
        self._in_flight = 0
        self._arrived: list[Any] = []  # replies read but not yet handed out (by `send` or `take`)
        self._refused: str | None = None  # the first refusal among the replies in flight
        self._graph_exists: bool | None = None  # None: ask the engine before the next command

    def send(self, *counts_and_token: Any) -> list[Any]:
        """Send one command; returns the replies that came back meanwhile, oldest first."""
        if self._graph_exists is None:
            self.settle()
            # The first bulk command into a graph that does not exist yet must say BEGIN.
            self._graph_exists = bool(self._client.exists(self._graph))
        head = () if self._graph_exists else ("BEGIN",)
        if self._conn is None:
            self._conn = self._client.connection_pool.get_connection()
        try:
            self._conn.send_command("GRAPH.BULK", self._graph, *head, *counts_and_token)
        except BaseException:
            self._drop()
            raise
        self._in_flight += 1
        self._graph_exists = True
        while self._in_flight > self._ahead:
            self._receive()
        if self._refused is not None:
            self.settle()  # raises it once the rest is answered
        arrived, self._arrived = self._arrived, []
        return arrived

    def settle(self) -> None:
        """Wait until every command sent has been answered (a refusal among them is raised)."""
        while self._in_flight:
            self._receive()
        if self._conn is not None:
            self._client.connection_pool.release(self._conn)
            self._conn = None
        self._raise_refusal()

    def take(self) -> list[Any]:
        """Every reply not yet handed out, after waiting for those in flight."""
        self.settle()
        arrived, self._arrived = self._arrived, []
        return arrived

    def abandon(self) -> None:
        """The unit is being discarded: wait for what is in flight and forget every reply and refusal."""
        try:
            self.settle()
        except (QueryError, redis.exceptions.RedisError, OSError):
            self._drop()
        self._arrived, self._refused = [], None

    def _receive(self) -> None:
        try:
            reply = self._conn.read_response()
        except redis.exceptions.ResponseError as exc:
            # The engine goes on answering the commands sent after the refused one.
            self._in_flight -= 1
            self._refused = self._refused or str(exc)
            self._graph_exists = None
            return
        except BaseException:
            self._drop()
            raise
        self._in_flight -= 1
        self._arrived.append(reply)

    def _raise_refusal(self) -> None:
        if self._refused is not None and not self._in_flight:
            refused, self._refused = self._refused, None
            self._arrived = []  # the operation failed: what the other commands made is moot
            raise QueryError(f"the engine refused a bulk insert: {refused}")

    def _drop(self) -> None:
        """Close the connection (its unread replies with it)."""
        if self._conn is not None:
            self._conn.disconnect()
            self._client.connection_pool.release(self._conn)
            self._conn = None
        self._in_flight = 0
        self._graph_exists = None
