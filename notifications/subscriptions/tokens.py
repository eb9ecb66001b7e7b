"""Signed tokens in subscription links: a distinct salt per purpose, so one kind opens nothing else."""

from enum import StrEnum

from itsdangerous.encoding import base64_encode

from registry.auth.links import SecretKeys, read_signed, signer
from registry.db import is_stored_number


class TokenPurpose(StrEnum):
    CONFIRM = "subscription-confirm"
    UNSUBSCRIBE = "subscription-unsubscribe"


# A confirmation link is a short-lived promise; an unsubscribe link must keep working for years.
MAX_AGE_SECONDS = {TokenPurpose.CONFIRM: 7 * 86400, TokenPurpose.UNSUBSCRIBE: 10 * 365 * 86400}
MAX_TOKEN_LENGTH = 500


def _salt(purpose: TokenPurpose) -> str:
    return f"notifications.{purpose.value}"


def make_token(*, secret_key: SecretKeys, purpose: TokenPurpose, subscription_id: int) -> str:
    """A token that names one subscription for one purpose."""
    serializer = signer(secret_key, _salt(purpose))
    if not is_stored_number(subscription_id):
        return serializer.dumps({"s": subscription_id})
    # The token dumps() makes, without its zlib attempt, which costs more than the rest of a token, and
    # a fan-out signs one per recipient: for an id within INTEGER the JSON is at most 16 bytes, which zlib
    # (6 bytes of framing) never shortens, so dumps() would not compress it either (tests compare the two).
    payload = base64_encode(f'{{"s":{subscription_id}}}'.encode())
    return serializer.make_signer().sign(payload).decode()


def read_token(*, secret_key: SecretKeys, purpose: TokenPurpose, token: str) -> int | None:
    """The subscription id in a valid, unexpired token of this purpose, or None."""
    payload = read_signed(secret_key=secret_key, salt=_salt(purpose), token=token,
                          max_age_seconds=MAX_AGE_SECONDS[purpose], max_length=MAX_TOKEN_LENGTH)
    subscription = payload.get("s") if payload is not None else None
    return subscription if is_stored_number(subscription) else None
