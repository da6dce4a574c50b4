"""The driver's exceptions as the knowledge base's named errors, each one line saying what to do.

The driver raises server errors (`Neo4jError` and its ClientError / TransientError / DatabaseError
subclasses, each with a Neo4j status code), its own errors (`DriverError`: SessionExpired and
ServiceUnavailable when a connection is lost, IncompleteCommit when it is lost during a commit,
TransactionError and ResultError on misuse) and, while packing parameters, plain OverflowError,
TypeError and ValueError (neo4j/_codec/packstream/v1). None of them may reach a user as a
traceback: `translated()` turns every one into a kb.errors class.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import (
    AuthError,
    DriverError,
    Forbidden,
    ForbiddenOnReadOnlyDatabase,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from kb.errors import ConfigError, EngineError, KBError, QueryError, QueryTimeout, ReadOnlyViolation

READ_ONLY_REFUSAL = (
    "the engine refused this query on a read-only path because it would write; "
    "run it with --write if you mean to change the knowledge base"
)
# Status codes of a transaction that ran out of memory: the server's pool for all transactions
# (dbms.memory.transaction.total.max, db.memory.transaction.total.max) or one transaction's limit
# (db.memory.transaction.max).
MEMORY_CODES = frozenset(
    {
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.ClientError.General.TransactionOutOfMemoryError",
    }
)
ACCESS_MODE_CODE = "Neo.ClientError.Statement.AccessMode"
# A transaction stopped at its time limit: TransactionTimedOut for the server's own limit
# (db.transaction.timeout), TransactionTimedOutClientConfiguration for the limit the driver sent.
SERVER_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
CLIENT_TIMED_OUT = SERVER_TIMED_OUT + "ClientConfiguration"


def first_line(text: object) -> str:
    """The first line of a server message (Neo4j adds the query and a caret on the lines below)."""
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else ""


def server_error(exc: Neo4jError, reading: bool, timeout: float | None = None) -> KBError:
    """`exc` as a named error; `timeout` is the time limit the statement was sent with, if any."""
    message = first_line(exc.message or exc)
    code = exc.code or ""
    if code == CLIENT_TIMED_OUT:
        return QueryTimeout(timeout)
    if code.startswith(SERVER_TIMED_OUT):
        return QueryTimeout(None)
    if isinstance(exc, AuthError):
        return ConfigError("Neo4j refused the username or password; check NEO4J_USERNAME and NEO4J_PASSWORD")
    if code in MEMORY_CODES:
        return QueryError(
            f"Neo4j ran out of transaction memory ({message}); nothing was written: give the server more "
            "(dbms.memory.transaction.total.max and the heap, see docker-compose.yml) and run it again"
        )
    if reading and (code == ACCESS_MODE_CODE or isinstance(exc, ForbiddenOnReadOnlyDatabase)):
        return ReadOnlyViolation(READ_ONLY_REFUSAL)
    if isinstance(exc, Forbidden):
        return QueryError(f"Neo4j does not allow this user to do that ({message}); ask its administrator")
    return QueryError(f"Neo4j refused the query: {message}")


def translate(exc: BaseException, address: str, reading: bool = False, timeout: float | None = None) -> KBError | None:
    """The kb.errors exception for `exc` raised by a driver call, or None if it is none of the driver's;
    `timeout` is the time limit the call was given, if any."""
    if isinstance(exc, Neo4jError):
        return server_error(exc, reading, timeout)
    if isinstance(exc, IncompleteCommit):
        return QueryError(
            "lost the connection to Neo4j while it committed, so the change may or may not be saved; "
            "check with `kb status` or `kb waves`, then run it again"
        )
    if isinstance(exc, (SessionExpired, ServiceUnavailable)):
        return EngineError(
            f"lost the connection to Neo4j at {address} ({first_line(exc)}); check the server, then run it again"
        )
    if isinstance(exc, DriverError):
        return QueryError(f"the Neo4j driver could not complete the query ({first_line(exc)})")
    if isinstance(exc, (OverflowError, TypeError, ValueError)):
        return QueryError(
            f"a parameter cannot be sent to Neo4j ({first_line(exc)}); pass text, numbers, booleans, lists or maps"
        )
    return None


@contextmanager
def translated(address: str, reading: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Run driver calls inside: any exception of the driver leaves as its kb.errors class."""
    try:
        yield
    except KBError:
        raise
    except Exception as exc:
        error = translate(exc, address, reading, timeout)
        if error is None:
            raise
        raise error from None
