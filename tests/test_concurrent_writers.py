"""The embedded default takes several writers at once: an import, a publish and the worker, on one live server."""

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from notifications.subscriptions.models import Subscription
from tests.support.graphql_documents import PUBLISH, SAVE_DRAFT
from tests.support.live import LiveRegistry, free_socket
from tests.support.notify_helpers import add_confirmed
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[1]
# Large enough that the import is still writing while the publishes go in, on a quiet machine too.
IMPORTED = 4000
PUBLISHES = 3
EARLY = 20


def _mailing_list(path: Path) -> Path:
    lines = ["email,language,consented_at,consent_source"]
    lines += [f"reader{i}@example.dk,da,2026-01-05T09:00:00+01:00,newsletter 2025" for i in range(IMPORTED)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def _publish(http: httpx.AsyncClient, token: str, number: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    entry = {"slug": f"vendor-{number}", "name": f"Vendor {number}", "purposeDa": "Drift", "purposeEn": "Operations",
             "countries": ["DK"]}
    saved = (await http.post("/graphql", json={"query": SAVE_DRAFT, "variables": {"input": entry}},
                             headers=headers)).json()
    published = (await http.post("/graphql", json={"query": PUBLISH, "variables": {
        "input": {"note": f"Adds vendor {number}.", "noticeDays": 30}}}, headers=headers)).json()
    return {"saved": saved, "published": published}


async def _subscribers(db, *, more_than: int) -> bool:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(Subscription))).one() > more_than


async def _sent_to_early_readers(smtp) -> bool:
    return all(smtp.sink.to(f"early{i}@example.dk") for i in range(EARLY))


async def test_an_import_publishes_and_the_worker_write_at_once_without_locking_errors(
        seeded, admin_token, mail_settings, smtp, tmp_path, caplog):
    if seeded.dialect != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database: one write lock for all writers is SQLite's")
    # Given a live server delivering mail itself, with readers to notify of each publish
    caplog.set_level(logging.WARNING)
    await add_confirmed(seeded, *((f"early{i}@example.dk", "da") for i in range(EARLY)))
    # Small batches: the worker claims and records often, and stops soon when the server does.
    settings = mail_settings.model_copy(update={"inprocess_worker": True, "worker_poll_seconds": 0.05,
                                                "worker_batch_size": 20})
    csv = _mailing_list(tmp_path / "list.csv")

    with LiveRegistry(settings, free_socket()) as server:
        # When an operator imports a mailing list from the command line, and while it writes an admin publishes
        importing = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "registry", "subscribers", "import", str(csv), cwd=ROOT,
            env=os.environ | {"REGISTRY_DATABASE_URL": settings.database_url},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        reading = asyncio.create_task(importing.communicate())
        await until(lambda: _subscribers(seeded, more_than=EARLY), limit_seconds=60)
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            import_was_running = not reading.done()
            answers = [await _publish(http, admin_token, number) for number in range(2, 2 + PUBLISHES)]
        out, err = await reading
        # and the worker delivers the notices all the while
        await until(lambda: _sent_to_early_readers(smtp), limit_seconds=60)

    # Then every write succeeded: the import, each publish and every delivery round
    output = (out + err).decode()
    assert import_was_running and importing.returncode == 0, output
    assert f"imported {IMPORTED}" in output
    assert all(answer["saved"]["data"]["saveSubprocessorDraft"]["userErrors"] == []
               and answer["published"]["data"]["publishVersion"]["userErrors"] == [] for answer in answers), answers
    assert "database is locked" not in output + caplog.text
    async with seeded.session() as session:
        assert (await session.exec(select(func.count()).select_from(Subscription))).one() == EARLY + IMPORTED
