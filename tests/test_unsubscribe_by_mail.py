"""Unsubscribing by email: the List-Unsubscribe mailto: link, read by `subscribers unsubscribe-mail`."""

import mailbox
import os
import subprocess
import sys
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from notifications.subscriptions.models import SubscriptionStatus
from tests.support.notify_helpers import add_confirmed, deliver, publish_change, subscription

ROOT = Path(__file__).parents[1]


def read_mailbox(settings, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "REGISTRY_DATABASE_URL": settings.database_url, "REGISTRY_SECRET_KEY": settings.secret_key}
    return subprocess.run([sys.executable, "-m", "registry", "subscribers", "unsubscribe-mail", str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def mail(to: str, sender: str, subject: str, body: str = "") -> EmailMessage:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, sender, subject
    message.set_content(body)
    return message


def follow_mailto(list_unsubscribe: str, sender: str) -> EmailMessage:
    """What a mail client sends when its reader picks the mailto: way out of a list."""
    mailto = next(part.strip(" <>") for part in list_unsubscribe.split(",") if "mailto:" in part)
    parts = urlsplit(mailto)
    return mail(parts.path, sender, parse_qs(parts.query)["subject"][0])


async def test_an_unsubscribe_sent_by_mail_is_carried_out_once_and_other_mail_is_left_unread(
        seeded, gql, admin_token, smtp, mail_settings, tmp_path):
    # Given a subscriber whose mail client answered a notice's List-Unsubscribe mailto: link, and in
    # the same mailbox a question from a person and a request with a forged token
    unsubscribe_mailbox = "unsubscribe@registry.example.test"
    settings = mail_settings.model_copy(update={"unsubscribe_mailbox": unsubscribe_mailbox})
    await add_confirmed(seeded, ("leaving@example.dk", "da"), ("staying@example.dk", "da"))
    await publish_change(gql, admin_token)
    await deliver(seeded, settings)
    [notice] = smtp.sink.to("leaving@example.dk")
    request = follow_mailto(notice["List-Unsubscribe"], "leaving@example.dk")
    assert request["To"] == unsubscribe_mailbox
    inbox = mailbox.Maildir(tmp_path / "inbox", create=True)
    inbox.add(mailbox.MaildirMessage(bytes(request)))
    inbox.add(mailbox.MaildirMessage(bytes(mail(unsubscribe_mailbox, "customer@example.dk", "Spørgsmål om Mailchimp",
                                                "Hvor ligger data?"))))
    inbox.add(mailbox.MaildirMessage(bytes(mail(unsubscribe_mailbox, "prankster@example.com",
                                                "unsubscribe eyJzIjoyfQ.forged.signature"))))

    # When the operator's cron job reads the mailbox
    first = read_mailbox(settings, tmp_path / "inbox")

    # Then the subscriber is unsubscribed, the forgery changed nothing, and only the request was marked read
    assert first.returncode == 0, first.stderr
    assert "unsubscribed 1, invalid links 1, other messages left unread 1" in first.stdout
    assert (await subscription(seeded, "leaving@example.dk")).status == SubscriptionStatus.UNSUBSCRIBED
    assert (await subscription(seeded, "staying@example.dk")).status == SubscriptionStatus.CONFIRMED
    unread = sorted(str(make_header(decode_header(message["Subject"])))
                    for message in inbox if message.get_subdir() == "new")
    assert unread == ["Spørgsmål om Mailchimp", "unsubscribe eyJzIjoyfQ.forged.signature"]

    # And a second run does not read the handled request again
    second = read_mailbox(settings, tmp_path / "inbox")
    assert "unsubscribed 0, invalid links 1, other messages left unread 1" in second.stdout


async def test_a_missing_mailbox_is_a_clear_error(settings, tmp_path):
    result = read_mailbox(settings, tmp_path / "nowhere")
    assert result.returncode == 2 and "no such file or folder" in result.stderr
