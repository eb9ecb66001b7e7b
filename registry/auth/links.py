"""Signed tokens for links in emails: one salt per purpose, so a token for one thing opens nothing else."""

from enum import StrEnum
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


# One key, or the retired keys followed by the current one: signing uses the last, verifying accepts any.
SecretKeys = str | tuple[str, ...]


class LinkPurpose(StrEnum):
    OBJECTION = "objection"
    CUSTOMER_ACCESS = "customer-access"


# How long a link of each purpose works; the objection deadline itself is enforced by the service.
MAX_AGE_SECONDS = {LinkPurpose.OBJECTION: 400 * 86400, LinkPurpose.CUSTOMER_ACCESS: 24 * 3600}


@cache  # one serializer per key and purpose, built once: a fan-out signs a token per recipient
def _serializer(secret_key: SecretKeys, purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"registry.{purpose.value}")


def make_link_token(*, secret_key: SecretKeys, purpose: LinkPurpose, payload: dict) -> str:
    """Sign a small payload for one purpose."""
    return _serializer(secret_key, purpose).dumps(payload)


def read_link_token(*, secret_key: SecretKeys, purpose: LinkPurpose, token: str) -> dict | None:
    """The payload of a token signed for this purpose and not expired, or None."""
    if len(token) > 1000:
        return None
    try:
        payload = _serializer(secret_key, purpose).loads(token, max_age=MAX_AGE_SECONDS[purpose])
    except (BadSignature, SignatureExpired):
        return None
    return payload if isinstance(payload, dict) else None
