"""API tokens: only their SHA-256 is stored, the token itself is shown once."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from registry.auth.roles import Role  # noqa: F401 - where the rest of the code has always found it
from registry.db import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
