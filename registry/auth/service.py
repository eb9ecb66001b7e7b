"""Issuing and checking bearer tokens."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.auth.models import ApiToken, Role
from registry.db import utcnow

TOKEN_PREFIX = "rgt_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name and role."""

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one and keeps lookups cheap.
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(*, session: AsyncSession, name: str, role: Role) -> str:
    """Store a new token's hash and return the token itself, which is never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, token_hash=_digest(token)))
    return token


async def authenticate(*, session: AsyncSession, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = (await session.exec(
        select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )).one_or_none()
    return Principal(name=row.name, role=Role(row.role)) if row else None


async def revoke_token(*, session: AsyncSession, name: str) -> int:
    """Revoke every live token of that name; returns how many."""
    rows = (await session.exec(
        select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None)))).all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)
