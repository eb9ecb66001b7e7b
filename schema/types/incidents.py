"""Personal data breaches as admins read them: the facts, the updates, and per customer the proof of notice."""

from datetime import datetime

import strawberry

from registry.incidents import service as incidents
from registry.incidents.models import Incident as DomainIncident
from registry.incidents.models import IncidentCustomer as DomainNotice
from registry.incidents.models import IncidentStatus as DomainStatus
from schema.pagination import Connection
from schema.types.common import FromDomain
from schema.types.notifications import NotificationStatus

IncidentStatus = strawberry.enum(DomainStatus, description="RECORDED: nobody told yet; NOTIFIED: notices queued.")
INCIDENT_CURSOR = "incident"
NOT_REACHED_CURSOR = "not-reached"


@strawberry.type(description="Further information given in phases (Art. 33(4)), mailed to the same contacts.")
class IncidentUpdate(FromDomain):
    id: int
    text: str
    created_at: datetime
    author: str


@strawberry.type(description="One affected customer and the proof of their notice.")
class IncidentNotice:
    customer_id: int
    customer_name: str
    became_aware_at: datetime = strawberry.field(description="When the processor became aware of the breach.")
    sent_at: datetime | None = strawberry.field(
        description="When the first notice to one of the customer's contacts left: the mail server's 250 reply.")
    message_id: str | None
    server_reply: str | None = strawberry.field(description="What the mail server answered, word for word.")
    recipient: str | None
    acknowledged_at: datetime | None = strawberry.field(description="When the customer confirmed they read it.")
    hours_to_notice: float | None = strawberry.field(
        description="Hours from awareness to the notice leaving; null while it has not left.")

    @classmethod
    def from_domain(cls, incident: DomainIncident, notice: DomainNotice, names: dict[int, str]) -> "IncidentNotice":
        return cls(customer_id=notice.customer_id, customer_name=names.get(notice.customer_id, ""),
                   became_aware_at=incident.became_aware_at, sent_at=notice.sent_at, message_id=notice.message_id,
                   server_reply=notice.server_reply, recipient=notice.recipient,
                   acknowledged_at=notice.acknowledged_at, hours_to_notice=incidents.hours_to_notice(incident, notice))


@strawberry.type(description="The facts of a personal data breach that GDPR Art. 33(3) names.")
class IncidentFacts(FromDomain):
    """What the admins' Incident and the customer's CustomerIncident both carry, named as the domain names it."""

    id: int
    nature: str
    subject_categories: list[str] = strawberry.field(description="Categories of data subjects concerned.")
    subjects_approx: int | None = strawberry.field(description="Approximate number of data subjects; null: unknown.")
    record_categories: list[str] = strawberry.field(description="Categories of personal data records concerned.")
    records_approx: int | None = strawberry.field(description="Approximate number of records; null: unknown.")
    consequences: str = strawberry.field(description="Likely consequences of the breach.")
    measures: str = strawberry.field(description="Measures taken or proposed.")
    contact_point: str
    became_aware_at: datetime = strawberry.field(description="When the processor became aware of the breach.")


@strawberry.type(description="A personal data breach with the facts GDPR Art. 33(3) names. Admins only.")
class Incident(IncidentFacts):
    status: IncidentStatus
    services: list[str] = strawberry.field(description="The services the affected customers were chosen by.")
    created_at: datetime
    created_by: str
    notified_at: datetime | None
    notified_by: str | None
    updates: list[IncidentUpdate]
    notices: list[IncidentNotice] = strawberry.field(
        description="Every affected customer (the set resolved when recorded) with the proof of their notice.")


@strawberry.type(description="Incidents, newest first.")
class IncidentConnection(Connection[Incident]):
    pass


@strawberry.type(description="An affected customer whose notice has not left yet, or failed.")
class IncidentNotReached:
    customer_id: int
    customer_name: str
    status: NotificationStatus | None = strawberry.field(description=(
        "The best status any notice to their contacts reached (QUEUED, RETRYING, DEAD, FAILED); "
        "null when they have no notice contact to send to."))
    last_error: str | None = strawberry.field(description="What the mail server or connection said last.")


@strawberry.type(description="Affected customers not reached, by customer id.")
class IncidentNotReachedConnection(Connection[IncidentNotReached]):
    pass
