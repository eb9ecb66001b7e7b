"""Queries about customers: the customer's own view (me) and the admins' overview."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications.customers import service as customer_mail
from registry.customers import service as customers
from registry.db import utcnow
from registry.incidents import service as incidents
from registry.legal_requirements import service as legal_requirements
from registry.objections import service as objections
from registry.objections import standing as standings
from registry.objections.models import ObjectionStatus as DomainObjectionStatus
from registry.objections.standing import CustomerForVersion
from registry.objections.windows import changes_for
from registry.versions import service as versions
from registry.versions.models import Change as DomainChange
from registry.versions.models import RegistryVersion as VersionRow
from registry.versions.service import VersionView
from schema.published import effective_number, rows_by_number
from schema.pagination import Connection, decode_cursor, page_size
from schema.permissions import IsAdmin, IsCustomer
from schema.types.common import Language
from schema.types.customer_incidents import CustomerIncident
from schema.types.customers import (
    Customer,
    CustomerNoticeRecord,
    Objection,
    ObjectionStatus,
    PendingChange,
)
from schema.types.legal_requirements import CustomerLegalRequirement
from schema.types.notifications import NotificationStatus
from schema.types.subprocessors import Subprocessor, served_subprocessors
from schema.types.versions import Change, RegistryVersion


@strawberry.type(description="What one customer sees: their agreements, their authorised list, what is pending.")
class CustomerView:
    customer: Customer
    authorised: strawberry.Private[VersionRow | None]
    services: strawberry.Private[list[str]]
    pending_changes: list[PendingChange]
    notices: list[CustomerNoticeRecord]
    objections: list[Objection] = strawberry.field(description="Your objections, the 100 newest, newest first.")

    @strawberry.field(description=(
        "Personal data breaches that affect the customer and that they have been notified of, newest first, "
        "with every update and when their own notice left; read only when asked for."))
    async def incidents(self, info: Info) -> list[CustomerIncident]:
        async with info.context.db.session() as session:
            found = await incidents.incidents_for_customer(session=session, customer_id=self.customer.id)
        return [CustomerIncident.from_domain(item) for item in found]

    @strawberry.field(description="The version the customer's list rests on.")
    def authorised_version(self) -> int | None:
        return self.authorised.number if self.authorised else None

    @strawberry.field(description="The sub-processors the customer has authorised, for their services.")
    def authorised_subprocessors(self, info: Info, language: Language = Language.DA) -> list[Subprocessor]:
        if self.authorised is None:
            return []
        return served_subprocessors(self.authorised, self.services, language, info.context.published)

    @strawberry.field(description=("Legal requirements to process outside the agreement that you were told of, "
                                   "the 100 newest, newest first, with your deadline to object."))
    async def legal_requirements(self, info: Info) -> list[CustomerLegalRequirement]:
        now = utcnow()
        async with info.context.db.session() as session:
            own = await legal_requirements.customer_requirements(session=session, customer_id=self.customer.id)
        return [CustomerLegalRequirement.from_domain(requirement, standing, now) for requirement, standing in own]


@strawberry.type(description="Where one customer stands towards one version.")
class VersionAudienceEntry:
    customer: Customer
    notified_at: datetime | None
    deadline: datetime | None
    holds_back: bool
    objection: Objection | None
    notice_status: NotificationStatus | None = strawberry.field(description=(
        "The best status the customer's notice of this version reached (SENT, QUEUED, RETRYING, DEAD, FAILED); "
        "null when none was queued, e.g. no confirmed contact."))

    @classmethod
    def from_domain(cls, standing: CustomerForVersion, customer: Customer,
                    notice_status: str | None) -> "VersionAudienceEntry":
        return cls(customer=customer, notified_at=standing.window.notified_at, deadline=standing.window.closes_at,
                   holds_back=standing.holds_back, notice_status=notice_status,
                   objection=Objection.from_domain(standing.objection) if standing.objection else None)


CUSTOMER_CURSOR = "customer"
OWN_OBJECTIONS = 100  # the most `me` lists
OBJECTION_CURSOR = "objection"


@strawberry.type(description="Customers in the order they were registered.")
class CustomerConnection(Connection[Customer]):
    pass


@strawberry.type(description="Objections, newest first.")
class ObjectionConnection(Connection[Objection]):
    pass


AUDIENCE_CURSOR = "audience"


@strawberry.type(description="Customers with an active agreement, by id, as they stand towards a version.")
class VersionAudienceEntryConnection(Connection[VersionAudienceEntry]):
    pass


async def load_customers(session, ids: list[int], agreements: dict | None = None) -> dict[int, Customer]:
    """Customers with their contacts and agreements (unless read already): three queries for any number of them."""
    contacts = await customers.contacts_of(session=session, customer_ids=ids)
    if agreements is None:
        agreements = await customers.agreements_of(session=session, customer_ids=ids)
    return {row.id: Customer.from_domain(row, contacts[row.id], agreements[row.id])
            for row in await customers.customers_by_id(session=session, customer_ids=ids)}


@strawberry.type
class CustomerQuery:
    @strawberry.field(permission_classes=[IsCustomer], description="The calling customer's own view.")
    async def me(self, info: Info) -> CustomerView:
        customer_id, now, published, db = info.context.principal.customer_id, utcnow(), info.context.published, info.context.db
        async with db.session() as session:
            agreements = await customers.agreements_of(session=session, customer_ids=[customer_id])
            customer = (await load_customers(session, [customer_id], agreements=agreements))[customer_id]
            notices = await customers.notices_of(session=session, customer_ids=[customer_id])
            own = await objections.list_objections(session=session, customer_id=customer_id, limit=OWN_OBJECTIONS)
            # Published version rows come from this process's memory, the customer's own from the database; a full
            # page of objections may have left some out, so then the standing reads those it needs itself.
            current = await effective_number(published, db, now)
            standing = await standings.customer_standing(
                session=session, customer_id=customer_id, now=now, agreements=agreements[customer_id],
                notices=notices, objections=own if len(own) < OWN_OBJECTIONS else None,
                rows=lambda numbers: rows_by_number(published, db, numbers), in_effect=current)
        pending = []
        for item in standing.open_versions:
            view = VersionView(item.version, item.version.status(now=now, effective_number=current))
            concerned = changes_for(item.version, standing.services)
            changes = [Change.from_domain(DomainChange.from_json(c)) for c in concerned]
            pending.append(PendingChange.from_domain(item, RegistryVersion.from_view(view), changes,
                                                     can_object=item.window.accepts_objection(now),
                                                     concerned=concerned))
        return CustomerView(customer=customer, authorised=standing.authorised, services=standing.services, pending_changes=pending,
                            notices=[CustomerNoticeRecord.from_domain(n) for n in notices],
                            objections=[Objection.from_domain(o) for o in own])

    @strawberry.field(permission_classes=[IsAdmin], description="Customers with their contacts and agreements, in the order they were registered.")
    async def customers(self, info: Info, first: int | None = None, after: str | None = None) -> CustomerConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(CUSTOMER_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await customers.list_customers(session=session, limit=limit + 1, after_id=after_id)
            loaded = await load_customers(session, [row.id for row in rows[:limit]])
        return CustomerConnection.of(rows, limit=limit, after=after_id, kind=CUSTOMER_CURSOR, key=lambda row: row.id,
                                     node=lambda row: loaded[row.id])

    @strawberry.field(permission_classes=[IsAdmin],
                      description="Objections, newest first, by version or legal requirement and status.")
    async def objections(self, info: Info, version_number: int | None = None,
                         status: ObjectionStatus | None = None, first: int | None = None,
                         after: str | None = None, legal_requirement_id: int | None = None) -> ObjectionConnection:
        limit, before_id = page_size(info.context.settings, first), decode_cursor(OBJECTION_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await objections.list_objections(
                session=session, version_number=version_number, limit=limit + 1, before_id=before_id,
                legal_requirement_id=legal_requirement_id,
                status=DomainObjectionStatus(status.value) if status else None)
        return ObjectionConnection.of(rows, limit=limit, after=before_id, kind=OBJECTION_CURSOR,
                                      key=lambda row: row.id, node=Objection.from_domain)

    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Every customer with an active agreement as they stand towards a version: notified when (null: not yet), "
        "their own deadline, their objection, and whether they still hold the change back."))
    async def version_audience(self, info: Info, number: int, first: int | None = None,
                               after: str | None = None) -> VersionAudienceEntryConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(AUDIENCE_CURSOR, after)
        async with info.context.db.session() as session:
            audience = await standings.version_audience(session=session, version_number=number,
                                                        limit=limit + 1, after_customer_id=after_id)
            ids = [a.customer_id for a in audience[:limit]]
            statuses = await customer_mail.version_notice_status(session=session, version_number=number,
                                                                 customer_ids=ids)
            loaded = await load_customers(session, ids)
        return VersionAudienceEntryConnection.of(
            audience, limit=limit, after=after_id, kind=AUDIENCE_CURSOR, key=lambda a: a.customer_id,
            node=lambda a: VersionAudienceEntry.from_domain(a, loaded[a.customer_id], statuses.get(a.customer_id)))
