"""`serve` on the embedded default delivers mail itself: publish, and the notice arrives."""

from schema.app import create_app
from tests.support.notify_helpers import add_confirmed, publish_change
from tests.support.waiting import until


async def test_the_server_delivers_notices_in_process_when_asked(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("reader@example.dk", "en"))
    app = create_app(mail_settings.model_copy(update={"inprocess_worker": True, "worker_poll_seconds": 0.05}),
                     db=seeded)

    async with app.router.lifespan_context(app):
        await publish_change(gql, admin_token)

        async def arrived() -> bool:
            return bool(smtp.sink.to("reader@example.dk"))

        await until(arrived, limit_seconds=30)


def test_the_worker_runs_in_process_by_default_only_on_sqlite(settings):
    assert settings.model_copy(update={"database_url": "sqlite+aiosqlite:///x.db"}).runs_inprocess_worker
    assert not settings.model_copy(update={"database_url": "postgresql+asyncpg://h/db"}).runs_inprocess_worker
    assert not settings.model_copy(update={"database_url": "sqlite+aiosqlite:///x.db",
                                           "inprocess_worker": False}).runs_inprocess_worker
