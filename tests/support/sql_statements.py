"""Counting the SQL statements a piece of work sends to the database."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from registry.db import Database


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
