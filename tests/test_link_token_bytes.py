"""Unsubscribe and confirm links made without itsdangerous' zlib attempt are the very tokens it makes."""

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from notifications.subscriptions.tokens import TokenPurpose, make_token, read_token

# The ids zlib shortens best at each length (one digit repeated), and the largest an INTEGER holds.
IDS = [int(str(digit) * length) for length in range(1, 11) for digit in (1, 9) if int(str(digit) * length) < 2**31]
IDS += [2**31 - 1, 1_000_000_000, 1_212_121_212, 42]


@pytest.mark.parametrize("purpose", list(TokenPurpose))
def test_a_link_token_is_byte_for_byte_what_itsdangerous_signs_and_reads_back(monkeypatch, purpose):
    # Given a key pair being rotated, and the clock at one second
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_790_000_000)
    keys = ("retired-key-0123456789abcdef0123456789", "current-key-0123456789abcdef0123456789")
    reference = URLSafeTimedSerializer(keys, salt=f"notifications.{purpose.value}")
    for subscription_id in IDS:
        # When a link is made for a subscription
        token = make_token(secret_key=keys, purpose=purpose, subscription_id=subscription_id)
        # Then it is the token itsdangerous makes, and it names that subscription
        assert token == reference.dumps({"s": subscription_id}), subscription_id
        assert read_token(secret_key=keys, purpose=purpose, token=token) == subscription_id
