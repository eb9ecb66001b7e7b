"""Secrets and signatures of Standard Webhooks: "whsec_…" secrets, "v1,<base64 HMAC-SHA256>" signatures."""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh random secret in the form receivers' libraries read."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_webhook_id() -> str:
    """A delivery's id: the same on every attempt, so a receiver can drop a repeat."""
    return "msg_" + secrets.token_urlsafe(18)


def signing_secrets(*, secret: str, previous_secret: str | None, previous_until: datetime | None,
                    now: datetime) -> list[str]:
    """The current secret, and the one it replaced while the rotation's overlap lasts."""
    keep_old = previous_secret is not None and previous_until is not None and now < previous_until
    return [secret, previous_secret] if keep_old else [secret]


def headers(*, webhook_id: str, body: str, secrets_: list[str], at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers; one space-separated v1 signature per secret in use."""
    signatures = " ".join(Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body) for secret in secrets_)
    return {"webhook-id": webhook_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signatures}
