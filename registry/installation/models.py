"""The one row naming this installation."""

from sqlmodel import Field, SQLModel


class Installation(SQLModel, table=True):
    """A random key made when the database is migrated: tells this installation's Message-IDs from any other's."""

    __tablename__ = "installation"

    id: int = Field(default=1, primary_key=True)
    key: str = Field(max_length=32)
