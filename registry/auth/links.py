"""Signed tokens for links in emails, the one signer: a salt per purpose, so a token for one thing opens nothing else."""

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
MAX_LINK_TOKEN_LENGTH = 1000


@cache  # one serializer per key and purpose, built once: a fan-out signs a token per recipient
def signer(secret_key: SecretKeys, salt: str) -> URLSafeTimedSerializer:
    """The serializer that signs and reads the tokens of one purpose (its salt)."""
    return URLSafeTimedSerializer(secret_key, salt=salt)


def read_signed(*, secret_key: SecretKeys, salt: str, token: str, max_age_seconds: int,
                max_length: int) -> dict | None:
    """The payload of a token signed with this salt, not expired and not overlong, or None."""
    if not token or len(token) > max_length:
        return None
    try:
        payload = signer(secret_key, salt).loads(token, max_age=max_age_seconds)
    except (BadSignature, SignatureExpired):
        return None
    return payload if isinstance(payload, dict) else None


def make_link_token(*, secret_key: SecretKeys, purpose: LinkPurpose, payload: dict) -> str:
    """Sign a small payload for one purpose."""
    return signer(secret_key, f"registry.{purpose.value}").dumps(payload)


def read_link_token(*, secret_key: SecretKeys, purpose: LinkPurpose, token: str) -> dict | None:
    """The payload of a token signed for this purpose and not expired, or None."""
    return read_signed(secret_key=secret_key, salt=f"registry.{purpose.value}", token=token,
                       max_age_seconds=MAX_AGE_SECONDS[purpose], max_length=MAX_LINK_TOKEN_LENGTH)
