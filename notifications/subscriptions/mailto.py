"""Unsubscribe requests that arrive by email, through the List-Unsubscribe mailto: link (RFC 2369)."""

import mailbox
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from notifications.subscriptions import service as subscriptions
from registry.db import Database
from registry.errors import RegistryError
from notifications.settings import NotificationSettings

# The mailto: link asks for the subject "unsubscribe <token>"; a reply may add "Re:" in front.
SUBJECT = re.compile(r"^\s*(?:re:\s*)*unsubscribe\s+(\S+)\s*$", re.IGNORECASE)
MAX_SUBJECT = 1000


def token_in(message: EmailMessage) -> str | None:
    """The unsubscribe token in a message's subject, or None when it is not such a request."""
    subject = str(message.get("Subject", ""))[:MAX_SUBJECT]
    found = SUBJECT.match(subject)
    return found.group(1) if found else None


def read_messages(path: Path) -> Iterator[tuple[EmailMessage, Callable[[], None]]]:
    """Each message in an .eml file, a Maildir (its unread ones) or a folder of .eml files.

    Each comes with a callback that marks it handled: a Maildir message moves to cur/ as seen, so the
    next run skips it; a file is left where it is (unsubscribing twice is harmless).
    """
    parse = BytesParser(policy=policy.default).parsebytes
    if path.is_dir() and (path / "new").is_dir() and (path / "cur").is_dir():
        box = mailbox.Maildir(path, create=False)
        for key in list(box.iterkeys()):
            stored = box.get_message(key)
            if stored.get_subdir() != "new":
                continue

            def seen(key=key, stored=stored) -> None:
                stored.set_subdir("cur")
                stored.add_flag("S")
                box[key] = stored

            yield parse(stored.as_bytes()), seen
    elif path.is_dir():
        for file in sorted(path.glob("*.eml")):
            yield parse(file.read_bytes()), lambda: None
    else:
        yield parse(path.read_bytes()), lambda: None


@dataclass
class MailSummary:
    unsubscribed: int = 0
    invalid: int = 0  # a request whose token is forged, mangled or names no one
    other: int = 0  # not an unsubscribe request: left unread for a person


async def unsubscribe_from_mail(*, db: Database, settings: NotificationSettings, path: Path) -> MailSummary:
    """Carry out the unsubscribe requests among the messages at `path`, each in its own transaction."""
    summary = MailSummary()
    for message, mark_handled in read_messages(path):
        token = token_in(message)
        if token is None:
            summary.other += 1
            continue
        try:
            async with db.transaction() as session:
                await subscriptions.unsubscribe(session=session, settings=settings, token=token)
        except RegistryError:
            summary.invalid += 1
            continue
        summary.unsubscribed += 1
        mark_handled()
    return summary
