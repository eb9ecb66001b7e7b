"""Reading the installation key, making it if the database lacks one."""

import secrets

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.installation.models import Installation


def new_key() -> str:
    """64 random bits: two installations, or one database before and after a reset, never share one."""
    return secrets.token_hex(8)


async def installation_key(*, session: AsyncSession) -> str:
    """The key the migration stored; a database emptied since then gets a new one, as a fresh one would."""
    key = (await session.exec(select(Installation.key).where(Installation.id == 1))).one_or_none()
    if key is not None:
        return key
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    # Two processes may both find it missing: the first insert wins and both read its key.
    await session.exec(insert(Installation).values(id=1, key=new_key()).on_conflict_do_nothing())
    return (await session.exec(select(Installation.key).where(Installation.id == 1))).one()
