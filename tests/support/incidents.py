"""Personal data breaches set up the way an admin records and notifies them, through the service functions."""

from datetime import timedelta

from notifications import flows
from registry.db import Database, utcnow
from registry.incidents import service as incidents
from registry.incidents.validation import IncidentFacts

ADMIN = "alice@office2go.test"


def breach_facts(nature: str, *, hours_ago: float = 3, subjects_approx: int | None = 1200) -> IncidentFacts:
    """The Art. 33(3) facts of a breach the processor became aware of `hours_ago`; records count unknown."""
    return IncidentFacts(nature=nature, subject_categories=["Medarbejdere", "Kunder"], subjects_approx=subjects_approx,
                         record_categories=["Kontaktoplysninger"], records_approx=None,
                         consequences="Risiko for phishing", measures="Adgangskoder nulstillet",
                         contact_point="DPO, dpo@office2go.test",
                         became_aware_at=(utcnow() - timedelta(hours=hours_ago)).replace(microsecond=0))


async def recorded_incident(db: Database, *, nature: str, customer_ids: list[int], notify: bool = True,
                            updates: tuple[str, ...] = ()) -> int:
    """An incident affecting the customers chosen one by one, notified (queued) unless told not to; its id."""
    async with db.transaction() as session:
        incident = await incidents.record_incident(session=session, actor=ADMIN, facts=breach_facts(nature),
                                                   services=[], customer_ids=customer_ids)
        if notify:
            await flows.notify_incident(session=session, actor=ADMIN, incident_id=incident.id)
        for text in updates:
            await flows.add_incident_update_and_tell(session=session, actor=ADMIN, incident_id=incident.id, text=text)
        return incident.id
