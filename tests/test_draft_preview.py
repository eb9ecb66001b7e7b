"""An admin previews the notices publishing the draft would send: each audience's email, exactly, and who gets it."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from registry.db import utcnow
from registry.models import load_all
from tests.conftest import make_customer
from tests.support.notify_helpers import add_confirmed, deliver
from tests.support.publishing import HETZNER

PREVIEW = """query($note: String!, $days: Int, $at: DateTime) {
  draftNoticePreview(note: $note, noticeDays: $days, effectiveAt: $at) {
    versionNumber effectiveAt objectionDeadline
    audiences { audience language recipients customerName servicesTouched subject text html } } }"""
SAVE = """mutation($input: SubprocessorInput!) { saveSubprocessorDraft(input: $input) { userErrors { code } } }"""
PUBLISH = """mutation($note: String!, $at: DateTime) { publishVersion(input: {note: $note, effectiveAt: $at}) {
  version { number } userErrors { code } } }"""
NOTE = "Hetzner driver vores servere <i>fra 1. februar</i>"
HETZNER_INPUT = {"slug": "hetzner", "name": HETZNER["name"], "purposeDa": HETZNER["purpose_da"],
                 "purposeEn": HETZNER["purpose_en"], "countries": HETZNER["countries"],
                 "transferMechanism": "EEA", "services": ["Hosting"]}
# What the preview puts where a recipient's email has their own signed token, and the one thing a preview
# cannot know: the content hash covers the instant of publication.
TOKEN = re.compile(r"token=[A-Za-z0-9._\-]+")
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


async def row_counts(db) -> dict[str, int]:
    async with db.session() as session:
        return {table.name: await session.scalar(select(func.count()).select_from(table))
                for table in load_all().sorted_tables}


def as_previewed(text: str) -> str:
    return SHA256.sub("<hash>", TOKEN.sub("token=PREVIEW-not-a-real-token", text))


def bodies(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


async def test_the_preview_shows_each_audience_the_email_the_worker_then_sends(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given a customer using Hosting, one using only Bookkeeping, and subscribers in Danish and English
    await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")], services=["Hosting"])
    await make_customer(seeded, "Kunde B Ltd", contacts=[("dpo@kunde-b.com", "en")], services=["Bookkeeping"])
    await add_confirmed(seeded, ("dpo@kunde-a.dk", "da"), ("dpo@kunde-b.com", "en"), ("en@example.dk", "da"),
                        ("to@example.dk", "da"), ("reader@example.com", "en"))
    # and a draft that adds a sub-processor used for Hosting
    assert (await gql(SAVE, {"input": HETZNER_INPUT}, token=admin_token))["data"]["saveSubprocessorDraft"][
        "userErrors"] == []
    effective = (utcnow() + timedelta(days=40)).replace(second=0, microsecond=0).isoformat()
    before = await row_counts(seeded)

    # When the admin previews it
    result = await gql(PREVIEW, {"note": NOTE, "at": effective}, token=admin_token)

    # Then nothing was written
    assert "errors" not in result, result
    assert await row_counts(seeded) == before
    preview = result["data"]["draftNoticePreview"]
    assert preview["versionNumber"] == 2 and preview["objectionDeadline"] == preview["effectiveAt"]
    audiences = {(a["audience"], a["customerName"], a["language"]): a for a in preview["audiences"]}
    # and each audience is listed with how many would get it; the customer the change touches is marked so
    assert {key: (a["recipients"], a["servicesTouched"]) for key, a in audiences.items()} == {
        ("SUBSCRIBER", None, "DA"): (2, None), ("SUBSCRIBER", None, "EN"): (1, None),
        ("CUSTOMER", "Kunde A ApS", "DA"): (1, True), ("CUSTOMER", "Kunde B Ltd", "EN"): (1, False)}
    touched = audiences[("CUSTOMER", "Kunde A ApS", "DA")]
    assert "Kunde A ApS" in touched["text"] and "Hetzner Online GmbH" in touched["text"]
    assert "/objections/new?token=PREVIEW-not-a-real-token" in touched["text"]
    assert "&lt;i&gt;fra 1. februar&lt;/i&gt;" in touched["html"]

    # When the draft is published with the same note and effective time, and the worker sends the notices
    published = await gql(PUBLISH, {"note": NOTE, "at": effective}, token=admin_token)
    assert published["data"]["publishVersion"]["userErrors"] == [], published
    await deliver(seeded, mail_settings)

    # Then every recipient got exactly their audience's previewed email, but for their own tokens and the hash
    for address, key in [("en@example.dk", ("SUBSCRIBER", None, "DA")), ("to@example.dk", ("SUBSCRIBER", None, "DA")),
                         ("reader@example.com", ("SUBSCRIBER", None, "EN")),
                         ("dpo@kunde-a.dk", ("CUSTOMER", "Kunde A ApS", "DA")),
                         ("dpo@kunde-b.com", ("CUSTOMER", "Kunde B Ltd", "EN"))]:
        [message] = smtp.sink.to(address)
        text, html = bodies(message)
        assert message["Subject"] == audiences[key]["subject"]
        assert as_previewed(text) == as_previewed(audiences[key]["text"]), address
        assert as_previewed(html) == as_previewed(audiences[key]["html"]), address
        assert "PREVIEW" not in text


async def test_a_preview_refuses_what_publishing_would_refuse_and_changes_nothing(seeded, gql, admin_token):
    # Given the seeded list and an unchanged draft
    before = await row_counts(seeded)

    # When the admin previews the unchanged draft, then a change with too short a notice
    unchanged = await gql(PREVIEW, {"note": "n"}, token=admin_token)
    await gql(SAVE, {"input": HETZNER_INPUT}, token=admin_token)
    saved = await row_counts(seeded)
    too_short = await gql(PREVIEW, {"note": "n", "days": 5}, token=admin_token)
    no_note = await gql(PREVIEW, {"note": "  "}, token=admin_token)

    # Then each is refused with the code publishing would give, naming the argument, and nothing is written
    assert unchanged["data"] is None and unchanged["errors"][0]["extensions"]["code"] == "NO_CHANGES"
    assert too_short["errors"][0]["extensions"] == {"code": "NOTICE_TOO_SHORT", "field": "noticeDays"}
    assert no_note["errors"][0]["extensions"] == {"code": "REQUIRED", "field": "note"}
    assert await row_counts(seeded) == saved
    assert {name: count for name, count in saved.items() if count != before[name]} == {
        "draft_entry": before["draft_entry"] + 1, "audit_entry": before["audit_entry"] + 1}
