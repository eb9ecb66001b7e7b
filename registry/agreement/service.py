"""Reading the agreement template."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.agreement.models import AgreementTemplate


async def get_template(*, session: AsyncSession, version: int | None = None) -> AgreementTemplate | None:
    """The agreement template of that version, or the newest one."""
    if version is not None:
        return await session.get(AgreementTemplate, version)
    return (await session.exec(
        select(AgreementTemplate).order_by(AgreementTemplate.version.desc()).limit(1))).one_or_none()
