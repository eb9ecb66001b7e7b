"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts and misbehaves on request."""

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Sink:
    """Accepted messages, plus scripted answers per recipient: '451', '550' or 'drop', each used once or always."""

    messages: list[EmailMessage] = field(default_factory=list)
    scripts: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds per message, so a fan-out is still running when a test interrupts it

    def script(self, recipient: str, *answers: str) -> None:
        self.scripts[recipient] = list(answers)

    def to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == recipient]

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A script answer "rcpt 550 …" refuses the recipient at RCPT instead of at the end of DATA.
        answers = self.scripts.get(address)
        if answers and answers[0].startswith("rcpt "):
            return answers.pop(0).removeprefix("rcpt ")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        recipient = envelope.rcpt_tos[0]
        answers = self.scripts.get(recipient)
        answer = None
        if answers:
            answer = answers[0] if len(answers) == 1 and answers[0].endswith("!") else answers.pop(0)
            answer = answer.rstrip("!")
        if answer == "451":
            return "451 4.3.0 Temporary local problem, try later"
        if answer == "550":
            return "550 5.1.1 No such user here"
        if answer == "drop":
            server.transport.close()  # the message arrived, the 250 never leaves: a dropped connection
            return "250 never seen"
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                    policy=policy.default))
        return "250 2.0.0 Ok: queued as test"


class SmtpServer:
    def __init__(self) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=false"

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
