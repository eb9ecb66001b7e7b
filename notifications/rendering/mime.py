"""Assembling multipart/alternative messages fast: shared headers encoded once, bodies base64 per recipient.

The email package's generator re-parses and re-folds every header of every message, which costs more
than the SMTP round trip; a fan-out repeats all but four headers and two links, so those are the only
parts built per recipient.
"""

import base64
from email import policy

SMTP = policy.SMTP


def header(name: str, value: str) -> bytes:
    """One header line, RFC 2047-encoded and folded where needed (æøå in a subject, say)."""
    if value.isascii() and len(name) + len(value) < 996 and not any(ch in value for ch in "\r\n\0"):
        return f"{name}: {value}\r\n".encode("ascii")
    return SMTP.fold_binary(name, SMTP.header_store_parse(name, value)[1])


def _part(content_type: str, body: str) -> bytes:
    return (f"Content-Type: {content_type}; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            .encode("ascii") + base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n"))


def assemble(*, shared: bytes, own: list[tuple[str, str]], text: str, html: str, boundary: str) -> bytes:
    """A complete message: the shared header block, this recipient's headers, a plain and an HTML part."""
    lines = [shared, *(header(name, value) for name, value in own),
             f"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n".encode(),
             f"--{boundary}\r\n".encode(), _part("text/plain", text),
             f"--{boundary}\r\n".encode(), _part("text/html", html), f"--{boundary}--\r\n".encode()]
    return b"".join(lines)
