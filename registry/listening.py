"""PostgreSQL LISTEN/NOTIFY, the one place: a notice sent as a transaction commits, heard on a connection of its own."""

from collections.abc import Callable

import asyncpg
from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

CONNECT_TIMEOUT_SECONDS = 5


async def notify(*, session: AsyncSession, channel: str, payload: str = "") -> None:
    """Tell the listeners on `channel` if and when this transaction commits (PostgreSQL only)."""
    if session.bind.dialect.name == "postgresql":
        await session.exec(select(func.pg_notify(channel, payload)))


async def listen(*, dsn: str, channel: str, on_notice: Callable[[], object],
                 on_lost: Callable[[], object] | None = None, timeout: float = CONNECT_TIMEOUT_SECONDS,
                 application_name: str | None = None,
                 on_payload: Callable[[str], object] | None = None) -> asyncpg.Connection:
    """A new connection that LISTENs on `channel`; it gives up after `timeout` and leaves no half-made one open.

    `on_notice` hears every notice; `on_payload`, if given, also hears what each one says.
    """
    # Briefly: an unreachable server must not hold up a caller that was asked to stop or has a request waiting.
    connection = await asyncpg.connect(dsn, timeout=timeout, server_settings=(
        {"application_name": application_name} if application_name else None))
    try:
        if on_lost is not None:
            connection.add_termination_listener(lambda _connection: on_lost())
        def heard(_connection, _pid, _channel, payload: str) -> None:
            on_notice()
            if on_payload is not None:
                on_payload(payload)

        await connection.add_listener(channel, heard)
    except BaseException:
        connection.terminate()
        raise
    return connection
