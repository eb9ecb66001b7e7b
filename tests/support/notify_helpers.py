"""Shared steps of the notification tests: subscribers, publishing, delivering, reading mail."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from notifications.outbox.models import Notification
from notifications.subscriptions import service as subscriptions
from notifications.subscriptions.models import Subscription
from notifications.worker import Worker
from registry.db import Database
from schema.settings import AppSettings

SUBSCRIBE = """mutation($email: String!, $language: Language!) {
  subscribe(input: {email: $email, language: $language}) { ok userErrors { field message code } } }"""
PUBLISH = """mutation($note: String!) { publishVersion(input: {note: $note, noticeDays: 30}) {
  version { number } userErrors { message code } } }"""
SAVE = """mutation($input: SubprocessorInput!) { saveSubprocessorDraft(input: $input) { userErrors { message } } }"""


async def add_confirmed(db: Database, *addresses: tuple[str, str]) -> None:
    """Given confirmed subscribers (email, language), as an import would leave them."""
    async with db.transaction() as session:
        for email, language in addresses:
            await subscriptions.import_subscriber(session=session, email=email, language=language,
                                                  consented_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                                                  consent_source="test")


async def publish_change(gql, token: str, *, name: str = "Fællesskabet ApS", note: str = "Ny leverandør") -> int:
    """An admin adds a sub-processor to the draft and publishes it; returns the version number."""
    saved = await gql(SAVE, {"input": {"slug": "faellesskabet", "name": name, "purposeDa": "Drift af servere",
                                       "purposeEn": "Server operations", "countries": ["DK", "US"],
                                       "transferMechanism": "SCC", "dataCategories": ["Kontaktoplysninger"]}},
                      token=token)
    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == [], saved
    published = await gql(PUBLISH, {"note": note}, token=token)
    assert published["data"]["publishVersion"]["userErrors"] == [], published
    return published["data"]["publishVersion"]["version"]["number"]


async def deliver(db: Database, settings: AppSettings) -> Worker:
    """Run a worker until nothing is due."""
    worker = Worker(db=db, settings=settings)
    await worker.drain()
    await worker.transport.close()
    return worker


async def notifications(db: Database) -> list[Notification]:
    async with db.session() as session:
        return list((await session.exec(select(Notification).order_by(Notification.id))).all())


async def subscription(db: Database, email: str) -> Subscription | None:
    async with db.session() as session:
        return (await session.exec(select(Subscription).where(Subscription.email == email))).one_or_none()


def link(message, path: str) -> str:
    """The first link to `path` in the plain-text part of a message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"https?://\S+{re.escape(path)}\?token=[A-Za-z0-9._\-]+", text)
    assert found, text
    return found.group(0)


def token_of(url: str) -> str:
    return url.split("token=", 1)[1]
