"""Issuing and checking bearer tokens."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.auth.links import LinkPurpose, SecretKeys, make_link_token, read_link_token
from registry.auth.models import ApiToken, Role
from registry.customers.models import Customer
from registry.db import is_stored_number, utcnow
from registry.errors import ErrorCode, RegistryError

TOKEN_PREFIX = "rgt_"


@dataclass(frozen=True, slots=True)  # one per request
class Principal:
    """Who is calling: the token's name and role."""

    name: str
    role: Role
    customer_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one and keeps lookups cheap.
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(*, session: AsyncSession, name: str, role: Role, customer_id: int | None = None) -> str:
    """Store a new token's hash and return the token itself, which is never stored."""
    if (role is Role.CUSTOMER) != (customer_id is not None):
        raise RegistryError.one("A customer token needs a customer, and only a customer token has one.",
                                ErrorCode.INVALID, "customer_id")
    if customer_id is not None and (not is_stored_number(customer_id)
                                    or await session.get(Customer, customer_id) is None):
        raise RegistryError.one("No such customer.", ErrorCode.NOT_FOUND, "customer_id")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, token_hash=_digest(token), customer_id=customer_id))
    await session.flush()
    return token


def customer_access_token(*, secret_key: SecretKeys, customer_id: int, email: str) -> str:
    """A short-lived bearer token for a customer's notice contact, sent to them as a magic link."""
    return make_link_token(secret_key=secret_key, purpose=LinkPurpose.CUSTOMER_ACCESS,
                           payload={"c": customer_id, "e": email})


async def authenticate(*, session: AsyncSession, token: str, secret_key: SecretKeys) -> Principal | None:
    """The principal a bearer token stands for, or None for an unknown, revoked or expired token."""
    if not token.startswith(TOKEN_PREFIX):
        link = read_link_token(secret_key=secret_key, purpose=LinkPurpose.CUSTOMER_ACCESS, token=token)
        # Signed is not enough: the customer named must exist now, as a stored token's customer does.
        if link is None or not is_stored_number(link.get("c")) or await session.get(Customer, link["c"]) is None:
            return None
        return Principal(name=f"contact {link.get('e')}", role=Role.CUSTOMER, customer_id=link["c"])
    if len(token) > 100:
        return None
    row = (await session.exec(
        select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )).one_or_none()
    return Principal(name=row.name, role=Role(row.role), customer_id=row.customer_id) if row else None


async def revoke_token(*, session: AsyncSession, name: str) -> int:
    """Revoke every live token of that name; returns how many."""
    rows = (await session.exec(
        select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None)))).all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)
