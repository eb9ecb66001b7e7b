"""Legal requirements to process outside the agreement, as admins and the customers told of them read them."""

from datetime import datetime

import strawberry

from registry.legal_requirements.models import LegalRequirement as DomainRequirement
from registry.legal_requirements.service import CustomerForRequirement
from schema.types.common import FromDomain
from schema.types.customers import Customer, Objection


@strawberry.type(description="What a requirement of law to process outside the agreement says.")
class LegalRequirementFacts(FromDomain):
    """What the admins' LegalRequirement and the customer's CustomerLegalRequirement both carry."""

    id: int
    legal_basis: str = strawberry.field(description="The law that requires it.")
    authority: str = strawberry.field(description="The authority requiring the processing.")
    processing: str = strawberry.field(description="What processing the law requires.")
    starts_at: datetime = strawberry.field(description="When the processing is planned to start.")


@strawberry.type(description="A requirement of EU or national law to process a customer's data outside the agreement.")
class LegalRequirement(LegalRequirementFacts):
    recorded_at: datetime
    notified_at: datetime | None = strawberry.field(
        description="When the notices to the affected customers were queued; null until then.")
    secrecy_reason: str | None = strawberry.field(
        description="Why the law forbids telling the customers; when set, nothing is or will be sent.")
    secrecy_recorded_at: datetime | None


@strawberry.type(description="Where one affected customer stands towards a legal requirement.")
class LegalRequirementAudienceEntry:
    customer: Customer
    notified_at: datetime | None = strawberry.field(description="When the notice first reached them; null: not yet.")
    deadline: datetime | None = strawberry.field(description="Their last moment to object; null until notified.")
    message_id: str | None = strawberry.field(description="The Message-ID of the first notice that reached them.")
    recipient: str | None = strawberry.field(description="The contact that first notice reached.")
    objection: Objection | None

    @classmethod
    def from_domain(cls, standing: CustomerForRequirement, customer: Customer) -> "LegalRequirementAudienceEntry":
        return cls(customer=customer, notified_at=standing.window.notified_at, deadline=standing.window.closes_at,
                   message_id=standing.message_id, recipient=standing.recipient,
                   objection=Objection.from_domain(standing.objection) if standing.objection else None)


@strawberry.type(description="A legal requirement the customer was told of, and their window to object to it.")
class CustomerLegalRequirement(LegalRequirementFacts):
    notified_at: datetime | None = strawberry.field(description="When the notice first reached you; null: not yet.")
    deadline: datetime | None = strawberry.field(description="Your last moment to object; null until notified.")
    can_object: bool
    objection: Objection | None

    @classmethod
    def from_domain(cls, requirement: DomainRequirement, standing: CustomerForRequirement,
                    now: datetime) -> "CustomerLegalRequirement":
        window = standing.window
        return super().from_domain(
            requirement, notified_at=window.notified_at, deadline=window.closes_at,
            can_object=window.accepts_objection(now),
            objection=Objection.from_domain(standing.objection) if standing.objection else None)
