"""Delivering notices through a real SMTP server, and proving per recipient what happened."""

import asyncio
from email import message_from_bytes, policy

import pytest

from notifications.outbox.models import NotificationStatus
from notifications.worker import Worker
from tests.conftest import make_customer
from tests.support.graphql_documents import nodes
from tests.support.notify_helpers import (
    add_confirmed,
    deliver,
    notifications,
    publish_change,
    subscription,
)

REPORT = """query($n: Int!) { noticeReport(versionNumber: $n) {
  totals { queued sent retrying failed dead total }
  recipients(first: 100) { edges { node { id email status attempts sentAt messageId serverReply } } } } }"""


async def notice_report(gql, number: int, token: str) -> dict:
    report = (await gql(REPORT, {"n": number}, token=token))["data"]["noticeReport"]
    return {**report, "recipients": nodes(report["recipients"])}


REDRIVE = "mutation($id: Int) { redriveNotification(id: $id) { requeued userErrors { code } } }"


async def test_the_notice_is_bilingual_multipart_and_escapes_what_admins_typed(seeded, gql, admin_token, smtp,
                                                                                mail_settings):
    # Given a Danish and an English subscriber, and a change whose texts hold æøå and markup
    # (the Danish one is also a customer's notice contact, so their notice carries an object link)
    await add_confirmed(seeded, ("dansk@example.dk", "da"), ("english@example.com", "en"))
    await make_customer(seeded, "Kunde A", contacts=[("dansk@example.dk", "da")])
    number = await publish_change(gql, admin_token, name="Ærø <b>Søfart</b> & Co",
                                  note="Vi skifter <script>x</script> drift")

    # When the worker delivers
    await deliver(seeded, mail_settings)

    # Then each got one multipart/alternative message in their language
    [danish] = smtp.sink.to("dansk@example.dk")
    [english] = smtp.sink.to("english@example.com")
    assert danish.get_content_type() == "multipart/alternative"
    assert "underdatabehandlere" in danish["Subject"] and "sub-processors" in english["Subject"]
    text = danish.get_body(preferencelist=("plain",)).get_content()
    html = danish.get_body(preferencelist=("html",)).get_content()
    assert "Ærø <b>Søfart</b> & Co" in text
    assert "Ærø &lt;b&gt;Søfart&lt;/b&gt; &amp; Co" in html and "<script>" not in html
    assert "&lt;script&gt;" in html
    # ...with the dates in Copenhagen time, the deadline, the hash, and the links
    assert "dansk tid (C" in text and "Jeres frist for indsigelse" in text
    assert "Copenhagen time" in english.get_body(preferencelist=("plain",)).get_content()
    report = await notice_report(gql, number, admin_token)
    async with seeded.session() as session:
        from registry.versions.models import RegistryVersion
        version = await session.get(RegistryVersion, number)
    assert version.content_hash in text
    assert f"{mail_settings.public_url}/objections/new?token=" in text
    assert "/objections/new" not in english.get_body(preferencelist=("plain",)).get_content()
    assert f"{mail_settings.public_url}/subscriptions/unsubscribe?token=" in text
    # ...and the headers a mail client needs for one-click unsubscribe
    assert danish["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<https://registry.example.test/subscriptions/unsubscribe?token=" in danish["List-Unsubscribe"]
    assert "mailto:" in danish["List-Unsubscribe"] and "subprocessors.registry.example.test" in danish["List-Id"]
    # And the proof of notice names both, sent, with the Message-ID the recipient got
    totals = report["totals"]
    assert totals == {"queued": 0, "sent": 2, "retrying": 0, "failed": 0, "dead": 0, "total": 2}
    ids = {r["email"]: r["messageId"] for r in report["recipients"]}
    assert ids["dansk@example.dk"] == danish["Message-ID"]
    assert all(r["serverReply"].startswith("250") and r["sentAt"] for r in report["recipients"])


async def test_a_451_is_retried_and_then_delivered(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("busy@example.dk", "da"))
    smtp.sink.script("busy@example.dk", "451", "451")
    await publish_change(gql, admin_token)

    await deliver(seeded, mail_settings)

    [notice] = await notifications(seeded)
    assert notice.status == NotificationStatus.SENT and notice.attempts == 2
    assert len(smtp.sink.to("busy@example.dk")) == 1


async def test_a_550_fails_for_good_and_suppresses_the_address(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("gone@example.dk", "da"), ("here@example.dk", "da"))
    smtp.sink.script("gone@example.dk", "550")
    number = await publish_change(gql, admin_token)

    await deliver(seeded, mail_settings)

    report = await notice_report(gql, number, admin_token)
    assert report["totals"]["failed"] == 1 and report["totals"]["sent"] == 1
    failed = next(r for r in report["recipients"] if r["email"] == "gone@example.dk")
    assert failed["status"] == "FAILED" and failed["serverReply"].startswith("550")
    assert (await subscription(seeded, "gone@example.dk")).suppressed_at is not None
    # A later version is not even queued for the suppressed address
    later = await publish_change(gql, admin_token, name="Fællesskabet Holding ApS")
    assert [n.to_address for n in await notifications(seeded) if n.version_number == later] == ["here@example.dk"]


async def test_a_recipient_refused_at_rcpt_fails_for_good_and_the_next_ones_still_go(seeded, gql, admin_token, smtp,
                                                                                      mail_settings):
    # Given three subscribers, the mail server refusing the middle one's mailbox at RCPT
    await add_confirmed(seeded, ("a@example.dk", "da"), ("gone@example.dk", "da"), ("c@example.dk", "en"))
    smtp.sink.script("gone@example.dk", "rcpt 550 5.1.1 No such user here")
    number = await publish_change(gql, admin_token)

    # When the worker delivers over its one connection
    await deliver(seeded, mail_settings)

    # Then that notice failed for good with the server's words, the address is suppressed, and the
    # envelope was reset: the others arrived, each addressed to its own reader only
    report = await notice_report(gql, number, admin_token)
    failed = next(r for r in report["recipients"] if r["email"] == "gone@example.dk")
    assert failed["status"] == "FAILED" and failed["serverReply"] == "550 5.1.1 No such user here"
    assert report["totals"]["sent"] == 2 and (await subscription(seeded, "gone@example.dk")).suppressed_at
    assert [len(smtp.sink.to(a)) for a in ("a@example.dk", "c@example.dk", "gone@example.dk")] == [1, 1, 0]
    sent = [r for r in report["recipients"] if r["status"] == "SENT"]
    assert all(r["sentAt"] and r["messageId"] and r["serverReply"].startswith("250") for r in sent)


async def test_a_dropped_connection_mid_message_is_retried_on_a_new_connection(seeded, gql, admin_token, smtp,
                                                                             mail_settings):
    await add_confirmed(seeded, ("flaky@example.dk", "da"), ("steady@example.dk", "en"))
    smtp.sink.script("flaky@example.dk", "drop")
    await publish_change(gql, admin_token)

    await deliver(seeded, mail_settings)

    assert {n.status for n in await notifications(seeded)} == {NotificationStatus.SENT}
    assert len(smtp.sink.to("flaky@example.dk")) == 1 and len(smtp.sink.to("steady@example.dk")) == 1


async def test_too_many_temporary_failures_dead_letter_until_an_admin_redrives(seeded, gql, admin_token, smtp,
                                                                              mail_settings):
    await add_confirmed(seeded, ("full@example.dk", "da"))
    smtp.sink.script("full@example.dk", "451!")  # always 451
    number = await publish_change(gql, admin_token)

    await deliver(seeded, mail_settings)
    [notice] = await notifications(seeded)
    assert notice.status == NotificationStatus.DEAD and notice.attempts == mail_settings.delivery_max_attempts

    # Customers cannot re-drive; an admin can, and then it goes out
    denied = await gql(REDRIVE, {"id": notice.id})
    assert denied["data"] is None and denied["errors"]
    smtp.sink.script("full@example.dk")
    answer = await gql(REDRIVE, {"id": notice.id}, token=admin_token)
    assert answer["data"]["redriveNotification"] == {"requeued": 1, "userErrors": []}
    await deliver(seeded, mail_settings)
    report = await notice_report(gql, number, admin_token)
    assert report["totals"]["sent"] == 1 and report["totals"]["dead"] == 0


async def test_an_unreachable_server_pauses_the_queue_without_spending_attempts(seeded, gql, admin_token,
                                                                               mail_settings):
    await add_confirmed(seeded, ("a@example.dk", "da"), ("b@example.dk", "da"))
    await publish_change(gql, admin_token)
    # (claiming one at a time, so the next one is already claimed ahead when the first fails)
    nobody_listens = mail_settings.model_copy(update={"smtp_url": "smtp://127.0.0.1:9?starttls=false",
                                                      "worker_batch_size": 1})

    worker = await deliver(seeded, nobody_listens)

    assert worker.circuit.is_open
    notices = await notifications(seeded)
    assert {(n.status, n.attempts, n.lease_until) for n in notices} == {(NotificationStatus.QUEUED, 0, None)}


async def test_without_an_smtp_server_each_message_becomes_an_eml_file(seeded, gql, admin_token, settings, tmp_path):
    await add_confirmed(seeded, ("filed@example.dk", "da"))
    await publish_change(gql, admin_token)
    embedded = settings.model_copy(update={"smtp_url": None, "mail_dir": tmp_path / "mail"})

    await deliver(seeded, embedded)

    [file] = list((tmp_path / "mail").glob("*.eml"))
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert message["To"] == "filed@example.dk"
    [notice] = await notifications(seeded)
    assert notice.status == NotificationStatus.SENT and notice.message_id == message["Message-ID"]


async def test_metrics_show_the_queue_and_the_sends(seeded, gql, admin_token, client, smtp, mail_settings):
    await add_confirmed(seeded, ("a@example.dk", "da"))
    await publish_change(gql, admin_token)
    queued = (await client.get("/metrics")).text
    assert 'registry_notifications_queue{status="QUEUED"} 1.0' in queued

    await deliver(seeded, mail_settings)

    after = (await client.get("/metrics")).text
    assert 'registry_notifications_queue{status="QUEUED"} 0.0' in after
    assert 'registry_notifications_queue{status="DEAD"} 0.0' in after and 'status="SENT"' not in after
    assert "registry_notifications_sent_total" in after and "registry_notifications_send_seconds_bucket" in after


async def test_two_workers_at_once_never_send_the_same_notice_twice(seeded, gql, admin_token, smtp, mail_settings):
    import asyncio

    from registry.db import Database

    await add_confirmed(seeded, *((f"r{i}@example.dk", "da") for i in range(60)))
    await publish_change(gql, admin_token)
    small_batches = mail_settings.model_copy(update={"worker_batch_size": 5})
    engines = [Database(seeded.url), Database(seeded.url)]
    try:
        workers = [Worker(db=engine, settings=small_batches) for engine in engines]
        await asyncio.gather(*(worker.drain() for worker in workers))
        for worker in workers:
            await worker.transport.close()
    finally:
        for engine in engines:
            await engine.dispose()

    ids = smtp.sink.message_ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    assert {n.status for n in await notifications(seeded)} == {NotificationStatus.SENT}


async def test_an_admin_can_redrive_a_whole_versions_dead_letters(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("x@example.dk", "da"), ("y@example.dk", "en"))
    smtp.sink.script("x@example.dk", "451!")
    smtp.sink.script("y@example.dk", "451!")
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    assert {n.status for n in await notifications(seeded)} == {NotificationStatus.DEAD}

    smtp.sink.script("x@example.dk")
    smtp.sink.script("y@example.dk")
    answer = await gql("mutation($v: Int) { redriveNotification(versionNumber: $v) { requeued } }", {"v": number},
                       token=admin_token)
    await deliver(seeded, mail_settings)

    assert answer["data"]["redriveNotification"]["requeued"] == 2
    assert {n.status for n in await notifications(seeded)} == {NotificationStatus.SENT}


async def test_unsubscribing_cancels_what_is_still_queued(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("leaving@example.dk", "en"))
    number = await publish_change(gql, admin_token)
    sub = await subscription(seeded, "leaving@example.dk")
    from notifications.subscriptions.tokens import TokenPurpose, make_token

    token = make_token(secret_key=mail_settings.secret_key, purpose=TokenPurpose.UNSUBSCRIBE, subscription_id=sub.id)
    await gql("mutation($t: String!) { unsubscribe(token: $t) { ok } }", {"t": token})
    await deliver(seeded, mail_settings)

    assert smtp.sink.to("leaving@example.dk") == []
    report = await notice_report(gql, number, admin_token)
    assert report["recipients"][0]["status"] == "CANCELLED" and report["totals"]["sent"] == 0


async def test_the_withdrawal_notice_says_why_in_the_readers_language(seeded, gql, admin_token, smtp, mail_settings):
    await add_confirmed(seeded, ("da@example.dk", "da"))
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    await gql("mutation($n: Int!, $r: String!) { withdrawVersion(number: $n, reason: $r) { version { status } } }",
              {"n": number, "r": "Forkert land – rettes"}, token=admin_token)

    await deliver(seeded, mail_settings)

    [_notice, withdrawal] = sorted(smtp.sink.to("da@example.dk"), key=lambda m: "trukket" in m["Subject"])
    assert "trukket tilbage" in withdrawal["Subject"]
    assert "Forkert land – rettes" in withdrawal.get_body(preferencelist=("plain",)).get_content()


async def test_a_rejected_login_pauses_the_queue_without_spending_attempts(seeded, gql, admin_token, mail_settings):
    import asyncio

    async def refuse_every_login(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A mail server that knows the registry's login is wrong: 535 to every AUTH.
        writer.write(b"220 mail.example.test ESMTP\r\n")
        while line := await reader.readline():
            verb = line.split(b" ")[0].strip().upper()
            if verb == b"EHLO":
                writer.write(b"250-mail.example.test\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == b"AUTH":
                writer.write(b"535 5.7.8 Authentication credentials invalid\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 Bye\r\n")
                break
            else:
                writer.write(b"503 5.5.1 Authenticate first\r\n")
            await writer.drain()
        writer.close()

    await add_confirmed(seeded, ("a@example.dk", "da"))
    await publish_change(gql, admin_token)
    server = await asyncio.start_server(refuse_every_login, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        wrong_password = mail_settings.model_copy(
            update={"smtp_url": f"smtp://registry:wrong@127.0.0.1:{port}?starttls=false"})
        worker = await deliver(seeded, wrong_password)
    finally:
        server.close()

    assert worker.circuit.is_open
    [notice] = await notifications(seeded)
    assert (notice.status, notice.attempts, notice.lease_until) == (NotificationStatus.QUEUED, 0, None)


async def test_a_message_that_cannot_be_built_ends_in_dead_letter_and_the_rest_still_go(seeded, smtp, mail_settings):
    # Given an email whose stored payload lacks what its template needs, queued between two good ones
    from notifications.outbox import service as outbox
    from notifications.outbox.models import NotificationKind

    payload = {"customer": "Kunde A", "version": 2, "objection_id": 7, "filed_at": "2026-11-25T10:00:00+00:00",
               "reason": "Nej"}
    async with seeded.transaction() as session:
        for address, stored in (("first@example.dk", payload), ("broken@example.dk", {"version": 2}),
                                ("last@example.dk", payload)):
            await outbox.enqueue_direct(session=session, kind=NotificationKind.OBJECTION_FILED, to_address=address,
                                        language="en", payload=stored)

    # When the worker delivers
    await deliver(seeded, mail_settings)

    # Then both good ones arrived once, and the broken one spent its attempts and waits in dead-letter,
    # its error on record for an admin, instead of being claimed again forever
    assert len(smtp.sink.to("first@example.dk")) == 1 and len(smtp.sink.to("last@example.dk")) == 1
    assert smtp.sink.to("broken@example.dk") == []
    broken = next(row for row in await notifications(seeded) if row.to_address == "broken@example.dk")
    assert broken.status == NotificationStatus.DEAD and broken.attempts == mail_settings.delivery_max_attempts
    assert "customer" in broken.last_error


async def test_a_worker_asked_to_stop_hands_back_the_batch_it_claimed_ahead(seeded, gql, admin_token, smtp,
                                                                           mail_settings):
    # Given six subscribers of a new version, and a worker that claims two at a time (and the next
    # two while the first two go out)
    readers = [f"reader{i}@example.dk" for i in range(6)]
    await add_confirmed(seeded, *((reader, "da") for reader in readers))
    number = await publish_change(gql, admin_token)
    settings = mail_settings.model_copy(update={"worker_batch_size": 2})
    worker, stop = Worker(db=seeded, settings=settings), asyncio.Event()
    send = worker.transport.send

    async def send_and_ask_to_stop(**message):
        stop.set()
        return await send(**message)

    worker.transport.send = send_and_ask_to_stop

    # When it is asked to stop while its first batch goes out
    await worker.run(stop)

    # Then it finished that batch, and left nothing leased to itself that it will never send
    notices = [row for row in await notifications(seeded) if row.version_number == number]
    assert sum(row.status == NotificationStatus.SENT for row in notices) == 2
    assert all(row.lease_owner is None and row.lease_until is None for row in notices)

    # And the next worker delivers the other four at once, not after the lease runs out
    await deliver(seeded, settings)
    assert all(len(smtp.sink.to(reader)) == 1 for reader in readers)


async def test_metrics_are_for_this_host_or_a_scraper_with_the_token(db, settings):
    # Given the app without a metrics token, and one with
    import httpx

    from schema.app import create_app

    async def scrape(app_settings, client_host: str, headers: dict | None = None) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(app_settings, db=db), client=(client_host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.get("/metrics", headers=headers or {})

    token = "a-long-scraper-token-0123456789"
    guarded = settings.model_copy(update={"metrics_token": token})

    # When a stranger, this host, and a scraper with and without the right token ask
    # Then only this host (no token set) and the scraper with the token are answered
    assert (await scrape(settings, "203.0.113.9")).status_code == 401
    assert (await scrape(settings, "127.0.0.1")).status_code == 200
    assert (await scrape(guarded, "127.0.0.1")).status_code == 401
    refused = await scrape(guarded, "203.0.113.9", {"Authorization": "Bearer wrong-token-wrong-token"})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    answered = await scrape(guarded, "203.0.113.9", {"Authorization": f"Bearer {token}"})
    assert answered.status_code == 200 and "registry_notifications_queue" in answered.text


async def test_database_connections_dropped_mid_fan_out_neither_lose_nor_repeat_a_notice(seeded, gql, admin_token,
                                                                                           smtp, mail_settings):
    if seeded.dialect != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    from sqlalchemy import event, text

    from registry.db import Database

    # Given forty subscribers of a new version, and a worker set up as `python -m registry worker` runs
    # it (no pre-ping), whose database connections the server drops twice during the fan-out
    await add_confirmed(seeded, *((f"r{i}@example.dk", "da") for i in range(40)))
    await publish_change(gql, admin_token)
    settings = mail_settings.model_copy(update={"worker_batch_size": 10, "worker_settle_group": 4,
                                                "worker_poll_seconds": 0.05})
    worker_db = Database(seeded.url, pre_ping=False)
    backends: set[int] = set()
    event.listen(worker_db.engine.sync_engine, "connect",
                 lambda connection, _record: backends.add(connection.driver_connection.get_server_pid()))
    worker, stop, dropped = Worker(db=worker_db, settings=settings), asyncio.Event(), []
    send = worker.transport.send

    async def send_and_sometimes_drop_the_database(**message):
        reply = await send(**message)
        if len(smtp.sink.message_ids()) in (7, 23):
            async with seeded.engine.connect() as admin:
                terminated = await admin.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) "
                                                      "AS pid"), {"pids": sorted(backends)})
                dropped.append(sum(1 for (done,) in terminated if done))
        if len(smtp.sink.message_ids()) == 40:
            stop.set()
        return reply

    worker.transport.send = send_and_sometimes_drop_the_database

    # When it delivers
    try:
        await asyncio.wait_for(worker.run(stop), timeout=20)
    finally:
        await worker_db.dispose()

    # Then connections were dropped, yet every notice went out exactly once and is recorded as sent
    assert len(dropped) == 2 and all(dropped), dropped
    ids = smtp.sink.message_ids()
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {n.status for n in await notifications(seeded)} == {NotificationStatus.SENT}


async def test_a_failing_webhook_round_does_not_hold_back_the_mail(seeded, gql, admin_token, smtp, mail_settings,
                                                                  monkeypatch):
    # Given a notice queued, and a webhook round that fails (a database hiccup, a payload it cannot read)
    from notifications.webhooks.delivery import WebhookSender

    async def failing(self):
        raise RuntimeError("webhook round broke")

    monkeypatch.setattr(WebhookSender, "run_once", failing)
    await add_confirmed(seeded, ("kunde@example.dk", "da"))
    await publish_change(gql, admin_token)

    # When the worker takes one round
    worker = Worker(db=seeded, settings=mail_settings)
    try:
        claimed = await worker.run_once()
    finally:
        await worker.transport.close()

    # Then the mail of that round still went out
    [notice] = await notifications(seeded)
    assert claimed == 1 and notice.status == NotificationStatus.SENT
    assert len(smtp.sink.to("kunde@example.dk")) == 1
