"""SMTP delivery over one reused connection, with every server answer sorted into retry, fail or pause."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from notifications.delivery.errors import (
    PermanentFailure,
    TemporaryFailure,
    Unavailable,
)

TRUE = {"1", "true", "yes", "on"}
# A dot-atom mailbox at a host name needs no parsing or quoting in MAIL and RCPT: sendmail() parses each
# address twice with the email package, which costs a fan-out more than building its message. Anything
# else (a quoted local part, an IDN, a stray space) goes through sendmail() and its checks.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")


def _reply(code: int, message: str) -> str:
    return f"{code} {message}".strip()


class SmtpTransport:
    def __init__(self, *, hostname: str, port: int, username: str | None = None, password: str | None = None,
                 start_tls: bool | None = None, use_tls: bool = False, timeout: float = 60) -> None:
        self.options = {"hostname": hostname, "port": port, "username": username, "password": password,
                        "start_tls": start_tls, "use_tls": use_tls, "timeout": timeout}
        self.client: aiosmtplib.SMTP | None = None

    @classmethod
    def from_url(cls, url: str) -> "SmtpTransport":
        """smtp://user:pass@host:587?starttls=true, or smtps://host:465 for implicit TLS."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("REGISTRY_SMTP_URL must look like smtp://user:pass@host:587?starttls=true")
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        start_tls = (query["starttls"] in TRUE) if "starttls" in query else None  # None: if offered
        return cls(hostname=parts.hostname, port=parts.port or (465 if use_tls else 587),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   start_tls=False if use_tls else start_tls, use_tls=use_tls,
                   timeout=float(query.get("timeout", 60)))

    async def _connected(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        client = aiosmtplib.SMTP(**self.options)
        try:
            await client.connect()
        except aiosmtplib.SMTPAuthenticationError as error:
            raise Unavailable(f"authentication failed: {_reply(error.code, error.message)}") from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise Unavailable(f"cannot connect: {error}") from error
        self.client = client
        return client

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> str:
        client = await self._connected()
        try:
            if (client.is_ehlo_or_helo_needed or not PLAIN_ADDRESS.fullmatch(sender)
                    or not PLAIN_ADDRESS.fullmatch(recipient)):
                _refused, reply = await client.sendmail(sender, [recipient], message)
            else:
                reply = await _transaction(client, sender, recipient, message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            refused = error.recipients[0]
            raise _by_code(refused.code, _reply(refused.code, refused.message)) from error
        except aiosmtplib.SMTPServerDisconnected as error:
            await self.close()
            raise TemporaryFailure(f"connection dropped: {error}") from error
        except aiosmtplib.SMTPResponseException as error:
            if error.code == 421:  # the server is closing the connection: try later on a new one
                await self.close()
            raise _by_code(error.code, _reply(error.code, error.message)) from error
        except (aiosmtplib.SMTPTimeoutError, OSError) as error:
            await self.close()
            raise TemporaryFailure(f"connection lost: {error}") from error
        return _reply(250, reply)

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()


async def _transaction(client: aiosmtplib.SMTP, sender: str, recipient: str, message: bytes) -> str:
    """One message to one plain address, as sendmail() sends it once the EHLO is done."""
    # Our messages are built with CRLF line ends, so their length is the SIZE sendmail() would declare.
    size = (f"SIZE={len(message)}".encode(),) if client.supports_extension("size") else ()
    try:
        response = await client.execute_command(b"MAIL", f"FROM:<{sender}>".encode(), *size)
        if response.code != 250:
            raise aiosmtplib.SMTPSenderRefused(response.code, response.message, sender)
        response = await client.execute_command(b"RCPT", f"TO:<{recipient}>".encode())
        if response.code not in (250, 251):
            raise aiosmtplib.SMTPRecipientRefused(response.code, response.message, recipient)
        return (await client.data(message)).message
    except aiosmtplib.SMTPResponseException:
        # As sendmail() does: the next message starts from an empty envelope.
        try:
            await client.rset()
        except (aiosmtplib.SMTPResponseException, ConnectionError):
            pass
        raise


def _by_code(code: int, reply: str) -> Exception:
    if code in (530, 535):  # authentication required or rejected: every message would fail alike
        return Unavailable(reply)
    return PermanentFailure(reply) if 500 <= code < 600 else TemporaryFailure(reply)
