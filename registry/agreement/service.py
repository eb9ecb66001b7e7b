"""Reading the agreement template."""

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.agreement.models import AgreementTemplate


async def get_template(*, session: AsyncSession, version: int | None = None) -> AgreementTemplate | None:
    """The agreement template of that version, or the newest one."""
    if version is not None:
        return await session.get(AgreementTemplate, version)
    return (await session.execute(
        select(AgreementTemplate).order_by(AgreementTemplate.version.desc()).limit(1))).scalar_one_or_none()
