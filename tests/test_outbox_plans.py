"""Claims and the metrics scrape read the outbox through their partial indexes, never the sent rows
kept beside them as proof, so neither grows slower as years of notices pile up."""

from contextlib import asynccontextmanager

from sqlalchemy import event

from notifications.outbox import service as outbox
from registry.db import Database


@asynccontextmanager
async def captured(db: Database):
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "notification" in statement and not statement.startswith("EXPLAIN"):
            statements.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


def _literal(value) -> str:
    return str(value) if isinstance(value, int | float) else "'" + str(value).replace("'", "''") + "'"


async def plans(db: Database, statements) -> list[str]:
    """How the database would run each statement, with sequential scans priced out where it can.

    PostgreSQL is asked for the generic plan, made once for any parameter values, since that is how a
    prepared statement runs again and again: only a literal predicate can match a partial index there.
    """
    found = []
    async with db.engine.connect() as connection:
        if db.dialect == "postgresql":
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            await connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        for number, (statement, parameters) in enumerate(statements):
            if db.dialect == "postgresql":
                await connection.exec_driver_sql(f"PREPARE planned_{number} AS {statement}")
                arguments = ", ".join(_literal(value) for value in parameters)
                rows = (await connection.exec_driver_sql(
                    f"EXPLAIN EXECUTE planned_{number}" + (f"({arguments})" if parameters else ""))).all()
                # The pooled connection outlives this test, and so would the prepared statement.
                await connection.exec_driver_sql(f"DEALLOCATE planned_{number}")
            else:
                rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            found.append("\n".join(str(row[-1]) for row in rows))
        await connection.rollback()
    return found


async def test_a_claim_reads_the_pending_index(db):
    # Given the statements a worker's claim runs
    async with captured(db) as statements, db.transaction() as session:
        await outbox.claim_batch(session=session, owner="w", limit=100, lease_seconds=60)

    # Then the database finds the due rows through the index of pending rows
    [claim] = await plans(db, statements)
    assert "ix_notification_pending" in claim and "Seq Scan on notification" not in claim


async def test_a_metrics_scrape_reads_only_the_pending_and_dead_indexes(db):
    # Given the statements a /metrics scrape runs
    async with captured(db) as statements, db.session() as session:
        counts = await outbox.backlog(session=session)

    # Then it counts through the two partial indexes and never scans the outbox
    pending, dead = await plans(db, statements)
    assert counts == {"QUEUED": 0, "RETRYING": 0, "DEAD": 0}
    assert "ix_notification_pending" in pending and "ix_notification_dead" in dead
    assert "Seq Scan on notification" not in pending + dead


async def test_a_lease_renewal_reads_the_pending_index(db):
    # Given the statement a worker's heartbeat runs
    async with captured(db) as statements, db.transaction() as session:
        await outbox.renew_leases(session=session, owner="w", lease_seconds=30)

    # Then it finds the worker's rows among the pending ones, never scanning the sent rows kept as proof
    [renewal] = await plans(db, statements)
    assert "ix_notification_pending" in renewal and "Seq Scan on notification" not in renewal


async def test_a_look_for_urgent_mail_reads_the_pending_index_in_its_order(db):
    # Given the statements a busy worker's look for urgent mail and its claim run
    async with captured(db) as statements, db.transaction() as session:
        await outbox.urgent_waiting(session=session)
        await outbox.claim_batch(session=session, owner="w", limit=100, lease_seconds=60)

    # Then both read the index of pending rows, SQLite in its own order (urgent, then oldest) with no sort:
    # the first rows found are the ones taken, however many wait behind them. (PostgreSQL prices an empty
    # table's plan, where a sort of nothing is as cheap; bench/priority.py measures it with 10,000 waiting.)
    for plan in await plans(db, statements):
        assert "ix_notification_pending" in plan and "Seq Scan on notification" not in plan
        assert "TEMP B-TREE" not in plan
