"""Customers, agreements, objections and notices, as admins and the customer themselves read them."""

from datetime import datetime

import strawberry

from registry.customers.models import Agreement as DomainAgreement
from registry.customers.models import AgreementStatus as DomainAgreementStatus
from registry.customers.models import Customer as DomainCustomer
from registry.customers.models import NoticeContact as DomainContact
from registry.customers.models import TerminationChoice as DomainTerminationChoice
from registry.objections.models import ObjectionOutcome as DomainOutcome
from registry.objections.models import ObjectionStatus as DomainObjectionStatus
from registry.objections.standing import VersionForCustomer
from registry.versions.presentation import present_changes
from schema.types.common import FromDomain, Language
from schema.types.presented import ChangesInWords
from schema.types.versions import Change, RegistryVersion

AgreementStatus = strawberry.enum(DomainAgreementStatus)
TerminationChoice = strawberry.enum(DomainTerminationChoice)
ObjectionStatus = strawberry.enum(DomainObjectionStatus)
ObjectionOutcome = strawberry.enum(DomainOutcome)


@strawberry.type(description="An address that receives change notices for the customer once it confirms.")
class NoticeContact:
    email: str
    language: Language

    @classmethod
    def from_domain(cls, contact: DomainContact) -> "NoticeContact":
        return cls(email=contact.email, language=Language(contact.language))


@strawberry.type(description="A customer's acceptance of one agreement template.")
class Agreement(FromDomain):
    id: int
    template_version: int
    accepted_at: datetime
    services: list[str] = strawberry.field(description="The services chosen; empty means all.")
    notice_days: int
    status: AgreementStatus
    terminated_at: datetime | None
    termination_choice: TerminationChoice | None
    deletion_documented_at: datetime | None
    deletion_documentation: str | None


@strawberry.type
class Customer:
    id: int
    name: str
    cvr: str | None
    contacts: list[NoticeContact]
    agreements: list[Agreement]

    @classmethod
    def from_domain(cls, customer: DomainCustomer, contacts: list[DomainContact],
                    agreements: list[DomainAgreement]) -> "Customer":
        return cls(id=customer.id, name=customer.name, cvr=customer.cvr,
                   contacts=[NoticeContact.from_domain(c) for c in contacts],
                   agreements=[Agreement.from_domain(a) for a in agreements])


@strawberry.type(description="A customer's objection to a version of the list or to a legal requirement.")
class Objection(FromDomain):
    id: int
    customer_id: int
    version_number: int | None = strawberry.field(description="The version objected to; null for a legal requirement.")
    legal_requirement_id: int | None = strawberry.field(
        description="The legal requirement objected to; null for a version.")
    reason: str
    status: ObjectionStatus
    outcome: ObjectionOutcome | None
    resolution_note: str | None
    filed_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    withdrawn_at: datetime | None


@strawberry.type(description="The first notice of a version that reached one of the customer's contacts.")
class CustomerNoticeRecord(FromDomain):
    version_number: int
    sent_at: datetime
    message_id: str
    recipient: str
    acknowledged_at: datetime | None
    reminded_at: datetime | None


@strawberry.type(description="A version that does not bind the customer yet, and their window to object to it.")
class PendingChange:
    version: RegistryVersion
    notified_at: datetime | None = strawberry.field(description="Null until a notice reached the customer.")
    deadline: datetime | None = strawberry.field(
        description="The customer's own last moment to object; null while they have not been notified.")
    can_object: bool
    objection: Objection | None
    changes: list[Change] = strawberry.field(description="The changes that concern the customer's services.")
    concerned: strawberry.Private[list[dict]]
    entries: strawberry.Private[list[dict]]

    @strawberry.field(description="The same changes in words: each added sub-processor with all its facts.")
    def changes_in_words(self, language: Language = Language.DA) -> ChangesInWords:
        return ChangesInWords.from_domain(present_changes(changes=self.concerned, entries=self.entries,
                                                          language=language.value))

    @classmethod
    def from_domain(cls, item: VersionForCustomer, version: RegistryVersion, changes: list[Change],
                    can_object: bool, concerned: list[dict] | None = None) -> "PendingChange":
        return cls(version=version, notified_at=item.window.notified_at, deadline=item.window.closes_at,
                   can_object=can_object, changes=changes, concerned=concerned or [],
                   entries=item.version.entries,
                   objection=Objection.from_domain(item.objection) if item.objection else None)
