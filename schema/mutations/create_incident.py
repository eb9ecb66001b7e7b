from datetime import datetime

import strawberry
from strawberry.types import Info

from registry.incidents import service as incidents
from registry.incidents.validation import IncidentFacts
from schema.incident_queries import load_incidents
from schema.mutations.base import payload
from schema.permissions import IsAdmin
from schema.types.incidents import Incident


@strawberry.input(description="A personal data breach with the facts GDPR Art. 33(3) names.")
class CreateIncidentInput:
    nature: str = strawberry.field(description="The nature of the breach: what happened.")
    subject_categories: list[str] = strawberry.field(default_factory=list,
                                                     description="Categories of data subjects concerned.")
    subjects_approx: int | None = strawberry.field(default=None,
                                                   description="Approximate number of data subjects; null: unknown.")
    record_categories: list[str] = strawberry.field(default_factory=list,
                                                    description="Categories of personal data records concerned.")
    records_approx: int | None = strawberry.field(default=None,
                                                  description="Approximate number of records; null: unknown.")
    consequences: str = strawberry.field(description="Likely consequences of the breach.")
    measures: str = strawberry.field(description="Measures taken or proposed, also to mitigate its effects.")
    contact_point: str = strawberry.field(description="Who the customer can ask for more information.")
    became_aware_at: datetime = strawberry.field(description="When the processor became aware, with an offset.")
    services: list[str] = strawberry.field(default_factory=list, description=(
        "Affects every customer whose active agreement covers one of these services (naming none covers all)."))
    customer_ids: list[int] = strawberry.field(default_factory=list, description="Customers affected, one by one.")


CreateIncidentPayload = payload("CreateIncidentPayload", "incident", Incident | None)


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Record a personal data breach and the customers it affects; nobody is told until notifyIncident."))
async def create_incident(info: Info, input: CreateIncidentInput) -> CreateIncidentPayload:
    facts = IncidentFacts(
        nature=input.nature, subject_categories=input.subject_categories, subjects_approx=input.subjects_approx,
        record_categories=input.record_categories, records_approx=input.records_approx,
        consequences=input.consequences, measures=input.measures, contact_point=input.contact_point,
        became_aware_at=input.became_aware_at)
    async with info.context.db.transaction() as session:
        incident = await incidents.record_incident(session=session, actor=info.context.actor, facts=facts,
                                                   services=input.services, customer_ids=input.customer_ids)
        return CreateIncidentPayload(incident=(await load_incidents(session, [incident]))[0])
