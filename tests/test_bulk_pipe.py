"""Bulk commands sent one ahead of their replies: replies in order, a refusal reported after the
rest is answered, and nothing left writing into a unit that is discarded. Against the engine."""

from __future__ import annotations

import pytest
import redis

from kb.errors import QueryError
from kb.store import falkor_bulk
from kb.store.falkor_pipe import BulkPipe

GRAPH = "pipe-test"


@pytest.fixture
def client(embedded_store):
    c = redis.Redis(unix_socket_path=embedded_store._socket)
    c.delete(GRAPH)
    yield c
    c.delete(GRAPH)
    c.close()


def _token(first: int, count: int) -> bytes:
    """`count` Thing nodes with n = first, first + 1, ..."""
    encoder = falkor_bulk.Encoder("Thing", ["n"], frozenset(), 4096)
    return next(iter(encoder.tokens(encoder.record({"n": n}) for n in range(first, first + count))))[0]


def _count(client: redis.Redis) -> int:
    reply = client.execute_command("GRAPH.RO_QUERY", GRAPH, "MATCH (t:Thing) RETURN count(t), toInteger(sum(t.n))")
    return reply[1][0]


def test_replies_come_back_in_order_and_the_graph_is_made_by_the_first(client):
    pipe = BulkPipe(client, GRAPH)
    arrived = []
    for k in range(4):
        arrived += pipe.send(k + 1, 0, 1, 0, _token(10 * k, k + 1))
    # one command ahead: the first three replies came back while the next ones were sent
    assert len(arrived) == 3
    arrived += pipe.take()
    assert [falkor_bulk._created(reply)[0] for reply in arrived] == [1, 2, 3, 4]
    # nodes 0; 10, 11; 20, 21, 22; 30..33: ten of them, summing to 0 + 21 + 63 + 126
    assert _count(client) == [10, 210]


def test_a_refused_command_is_raised_once_those_after_it_are_answered(client):
    pipe = BulkPipe(client, GRAPH)
    pipe.send(1, 0, 1, 0, _token(0, 1))
    pipe.take()
    pipe.send("two", 0, 1, 0, _token(1, 1))  # a count that is not a number: the engine refuses it
    with pytest.raises(QueryError, match="the engine refused a bulk insert: Error parsing node count"):
        pipe.send(1, 0, 1, 0, _token(2, 1))
        pipe.take()
    # every reply was read: the connection answers the next command, not an old reply
    assert pipe.send(1, 0, 1, 0, _token(3, 1)) == []
    assert [falkor_bulk._created(reply)[0] for reply in pipe.take()] == [1]


def test_a_discarded_unit_leaves_no_command_writing_into_its_copy(embedded_store):
    rows = [{"id": f"t:site:{i:05d}", "name": "x" * 200} for i in range(20_000)]
    with pytest.raises(RuntimeError, match="stop here"):
        with embedded_store.atomic() as w:
            w.create_nodes("Site", rows)
            raise RuntimeError("stop here")
    assert embedded_store.read("MATCH (n) RETURN count(n) AS c").single_value() == 0
    with embedded_store.atomic() as w:
        w.create_nodes("Site", rows[:3])
    assert embedded_store.read("MATCH (n:Site) RETURN count(n) AS c").single_value() == 3
