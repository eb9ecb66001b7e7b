"""Admins' queries about legal requirements: the register and where each affected customer stands."""

import strawberry
from strawberry.types import Info

from registry.legal_requirements import service as legal_requirements
from schema.customer_queries import load_customers
from schema.pagination import Connection, decode_cursor, page_size
from schema.permissions import IsAdmin
from schema.types.legal_requirements import LegalRequirement, LegalRequirementAudienceEntry

REQUIREMENT_CURSOR = "legal-requirement"
AUDIENCE_CURSOR = "legal-audience"


@strawberry.type(description="Legal requirements, newest first.")
class LegalRequirementConnection(Connection[LegalRequirement]):
    pass


@strawberry.type(description="The customers a legal requirement concerns, by id.")
class LegalRequirementAudienceEntryConnection(Connection[LegalRequirementAudienceEntry]):
    pass


@strawberry.type
class LegalRequirementQuery:
    @strawberry.field(permission_classes=[IsAdmin], description="Legal requirements recorded, newest first.")
    async def legal_requirements(self, info: Info, first: int | None = None,
                                 after: str | None = None) -> LegalRequirementConnection:
        limit, before_id = page_size(info.context.settings, first), decode_cursor(REQUIREMENT_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await legal_requirements.list_legal_requirements(session=session, limit=limit + 1,
                                                                    before_id=before_id)
        return LegalRequirementConnection.of(rows, limit=limit, after=before_id, kind=REQUIREMENT_CURSOR,
                                             key=lambda row: row.id, node=LegalRequirement.from_domain)

    @strawberry.field(permission_classes=[IsAdmin], description="One legal requirement.")
    async def legal_requirement(self, info: Info, id: int) -> LegalRequirement:
        async with info.context.db.session() as session:
            return LegalRequirement.from_domain(
                await legal_requirements.get_legal_requirement(session=session, requirement_id=id))

    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Every customer a legal requirement concerns: told when (null: not yet), their own deadline, their objection."))
    async def legal_requirement_audience(self, info: Info, id: int, first: int | None = None,
                                         after: str | None = None) -> LegalRequirementAudienceEntryConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(AUDIENCE_CURSOR, after)
        async with info.context.db.session() as session:
            requirement = await legal_requirements.get_legal_requirement(session=session, requirement_id=id)
            audience = await legal_requirements.requirement_audience(session=session, requirement=requirement,
                                                                     limit=limit + 1, after_customer_id=after_id)
            loaded = await load_customers(session, [a.customer_id for a in audience[:limit]])
        return LegalRequirementAudienceEntryConnection.of(
            audience, limit=limit, after=after_id, kind=AUDIENCE_CURSOR, key=lambda a: a.customer_id,
            node=lambda a: LegalRequirementAudienceEntry.from_domain(a, loaded[a.customer_id]))
