"""Every kind of email renders in both languages into a message a mail client can read."""

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from markupsafe import escape

from notifications.outbox.models import Notification, NotificationKind
from notifications.rendering.render import build_message, render_bodies
from registry import labels
from schema.settings import AppSettings
from registry.versions.models import RegistryVersion

VERSION = RegistryVersion(
    number=2, published_at=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
    effective_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC),
    note="Vi tilføjer Åbenrå IT", published_by="admin", entries=[], material=True, content_hash="ab" * 32,
    withdrawn_reason="Fejl", changes=[
        {"kind": "ADDED", "slug": "aabenraa-it", "name": "Åbenrå IT", "field": None, "before": None, "after": None},
        {"kind": "CHANGED", "slug": "dropbox", "name": "Dropbox", "field": "countries", "before": ["DK"],
         "after": ["DK", "US"]},
        {"kind": "REMOVED", "slug": "old", "name": "Gammel ApS", "field": None, "before": None, "after": None}])


PAYLOAD = {"customer": "Kunde <Ø> & Co", "version": 2, "objection_id": 5, "reason": "Ingen <b>USA</b>",
           "filed_at": "2026-06-02T08:00:00+00:00", "outcome": "REJECTED", "note": "Vi beholder leverandøren",
           "deadline": "2026-07-01T22:30:00+00:00",
           # a breach notice and its update (notifications/incidents.py puts the facts in words already)
           "incident_id": 7, "update_text": "Angrebet er <stoppet>", "update_at": "2026-06-03T08:00:00+00:00",
           "facts": {name: f"{name} <x>" for name in (
               "nature", "subject_categories", "subjects_approx", "record_categories", "records_approx",
               "consequences", "measures", "contact_point", "became_aware_at")}}

LEGAL_PAYLOAD = {"legal_requirement_id": 7, "customer": "Kunde <Ø> & Co", "legal_basis": "Hvidvaskloven § 26",
                 "authority": "Finanstilsynet", "processing": "Udlevering af <kundedata>",
                 "starts_at": "2026-07-01T22:30:00+00:00", "notice_days": 30}

# Kinds sent to subscribers, with no payload; the others carry what concerns a customer.
SUBSCRIBER_KINDS = {NotificationKind.VERSION_PUBLISHED, NotificationKind.VERSION_WITHDRAWN,
                    NotificationKind.CONFIRM, NotificationKind.MANAGE}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_kind_and_language_makes_a_readable_multipart_message(kind, language):
    settings = AppSettings(public_url="https://registry.example.test", organisation_name="Ærø Kontor ApS")
    version = VERSION if kind in (NotificationKind.VERSION_PUBLISHED, NotificationKind.VERSION_WITHDRAWN) else None
    payload = None if kind in SUBSCRIBER_KINDS else LEGAL_PAYLOAD if kind == NotificationKind.LEGAL_REQUIREMENT else PAYLOAD
    row = Notification(id=9, kind=kind, version_number=version.number if version else None,
                       subscription_id=3 if payload is None else None, customer_id=None if payload is None else 4,
                       to_address="laeser@example.dk", language=language, payload=payload)

    raw = build_message(notification=row, bodies=render_bodies(kind=kind, language=language, version=version,
                                                               settings=settings, payload=payload), settings=settings,
                        installation="5eed")

    message = message_from_bytes(raw, policy=policy.default)
    assert raw.isascii() and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert message.get_content_type() == "multipart/alternative"
    assert "Ærø Kontor ApS" in message["Subject"] and message["From"].addresses[0].display_name == "Ærø Kontor ApS"
    assert message["Message-ID"] == f"<{kind.lower()}.{row.version_number or 0}.9.5eed@registry.example.test>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "\x00" not in text and "\x00" not in html  # every slot for a link was filled in
    assert ("List-Unsubscribe" in message) == (payload is None)
    if payload is not None and kind != NotificationKind.CUSTOMER_ACCESS:
        assert "Kunde <Ø> & Co" in text and "Kunde &lt;Ø&gt; &amp; Co" in html  # escaped in HTML only
    if kind == NotificationKind.VERSION_PUBLISHED:
        # Effective 22:30 UTC on 1 July is 00:30 on 2 July in Copenhagen (summer time)
        assert ("2. juli 2026 kl. 00:30" if language == "da" else "2 July 2026, 00:30") in text
        assert "Åbenrå IT" in html and "Gammel ApS" in text and "DK, US" not in text
        assert ("Danmark → Danmark, USA" if language == "da" else "Denmark → Denmark, United States") in text


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_notice_to_a_customer_names_them_escaped_and_carries_their_object_link(language):
    # Given a version notice rendered once for every customer's contact
    settings = AppSettings(public_url="https://registry.example.test")
    bodies = render_bodies(kind=NotificationKind.VERSION_PUBLISHED, language=language, version=VERSION,
                           settings=settings, for_customer=True)
    row = Notification(id=9, kind=NotificationKind.VERSION_PUBLISHED, version_number=2, subscription_id=3,
                       customer_id=4, to_address="dpo@kunde.dk", language=language)

    # When it is built for a customer whose name an admin typed with markup and a marker in it
    raw = build_message(notification=row, bodies=bodies, settings=settings, installation="5eed",
                        customer="Kunde <Ø> & @@OBJECT_URL@@")

    # Then the name shows as typed, escaped in HTML and never filled in as a link, beside the real link
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Kunde <Ø> & @@OBJECT_URL@@" in text and "Kunde &lt;Ø&gt; &amp; @@OBJECT_URL@@" in html
    assert text.count("/objections/new?token=") == 1


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", [NotificationKind.INCIDENT_NOTICE, NotificationKind.INCIDENT_UPDATE])
def test_an_incident_email_gives_each_fact_under_the_label_the_customer_page_uses(kind, language):
    bodies = render_bodies(kind=kind, language=language, version=None, settings=AppSettings(), payload=PAYLOAD)
    text, html = "".join(bodies.text), "".join(bodies.html)
    for key, value in PAYLOAD["facts"].items():
        words = labels.label("incident", key, language)
        # a long fact (nature, consequences, measures) starts on the line after its label
        assert f"{words}: {value}\n" in text or f"{words}:\n{value}\n" in text, key
        assert re.search(f"{re.escape(words)}</th><td[^>]*>{re.escape(str(escape(value)))}</td>", html), key


def test_worker_logs_are_one_json_object_per_line():
    import json
    import logging

    from notifications.logs import JsonFormatter

    record = logging.LogRecord("notifications.worker", logging.WARNING, __file__, 1, "temporary failure", None, None)
    record.notification, record.error = 7, "451 4.3.0 try later"

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "temporary failure" and line["level"] == "WARNING"
    assert line["notification"] == 7 and line["error"] == "451 4.3.0 try later"


def test_a_broken_template_stops_the_worker_at_start(tmp_path, monkeypatch):
    # Given an operator's edit left one template unparseable
    import shutil

    from jinja2 import TemplateSyntaxError

    from notifications.composer import Composer
    from notifications.rendering import render

    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    (templates / "en" / "objection_reminder.txt").write_text("{% if deadline %}no end", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    render.environment.cache_clear()
    try:
        # When a worker starts, then it refuses, naming the template, instead of dead-lettering mail later
        with pytest.raises(TemplateSyntaxError) as refused:
            Composer(AppSettings())
        assert refused.value.name == "en/objection_reminder.txt"
    finally:
        render.environment.cache_clear()


@pytest.mark.parametrize(("language", "page"), [("da", "https://registry.example.test/subprocessors/versions/2"),
                                                ("en", "https://registry.example.test/subprocessors/versions/2?lang=en")])
@pytest.mark.parametrize("kind", [NotificationKind.VERSION_PUBLISHED, NotificationKind.VERSION_WITHDRAWN])
def test_version_emails_link_to_the_version_page_in_the_readers_language_never_to_graphql(kind, language, page):
    settings = AppSettings(public_url="https://registry.example.test")

    bodies = render_bodies(kind=kind, language=language, version=VERSION, settings=settings)

    text, html = "".join(bodies.text), "".join(bodies.html)
    assert page in text and f'href="{page}"' in html.replace("&amp;", "&")
    assert "/graphql" not in text and "/graphql" not in html
