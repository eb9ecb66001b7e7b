"""A personal data breach as the affected customer reads it: the facts, the updates, and their own notice.

Unlike the admins' Incident type it names no customer but the caller and no author at the processor.
"""

from datetime import datetime

import strawberry

from notifications.incidents import facts_in_words
from registry import labels
from registry.incidents.service import CustomerIncident as DomainCustomerIncident
from schema.types.common import Language
from schema.types.incidents import IncidentFacts
from schema.types.presented import PresentedFact

# The order the facts are read in: the email's order, then the customer's own notice.
FACTS = ("became_aware_at", "nature", "subject_categories", "subjects_approx", "record_categories", "records_approx",
         "consequences", "measures", "contact_point")


@strawberry.type(description="Further information the processor gave in phases (Art. 33(4)).")
class CustomerIncidentUpdate:
    id: int
    text: str
    created_at: datetime


@strawberry.type(description="An update in words: when it was given, in Copenhagen time with the zone, and its text.")
class PresentedIncidentUpdate:
    at: str
    text: str


@strawberry.type(description="A breach in words, in one language: every fact labelled, times in Copenhagen time.")
class IncidentInWords:
    facts: list[PresentedFact]
    updates: list[PresentedIncidentUpdate]


@strawberry.type(description="A personal data breach that affects you, as you were notified of it.")
class CustomerIncident(IncidentFacts):
    notice_sent_at: datetime | None = strawberry.field(description=(
        "When your notice left for the first of your contacts (the mail server's 250 reply); null until then."))
    acknowledged_at: datetime | None = strawberry.field(
        description="When you confirmed receipt (acknowledgeIncident); null until then.")
    updates: list[CustomerIncidentUpdate] = strawberry.field(description="Oldest first.")
    found: strawberry.Private[DomainCustomerIncident]

    @strawberry.field(description="The same in words: every fact labelled, numbers and times as a person reads them.")
    def in_words(self, language: Language = Language.DA) -> IncidentInWords:
        lang = language.value
        incident, notice = self.found.incident, self.found.notice
        values = facts_in_words(incident, lang) | {
            "notice_sent_at": labels.local_time(notice.sent_at, lang) if notice.sent_at
            else labels.word("not_sent_yet", lang),
            "acknowledged_at": labels.local_time(notice.acknowledged_at, lang) if notice.acknowledged_at
            else labels.word("not_yet", lang)}
        return IncidentInWords(
            facts=[PresentedFact(label=labels.label("incident", key, lang), value=values[key])
                   for key in (*FACTS, "notice_sent_at", "acknowledged_at")],
            updates=[PresentedIncidentUpdate(at=labels.local_time(update.created_at, lang), text=update.text)
                     for update in self.found.updates])

    @classmethod
    def from_domain(cls, found: DomainCustomerIncident) -> "CustomerIncident":
        return super().from_domain(
            found.incident, notice_sent_at=found.notice.sent_at, acknowledged_at=found.notice.acknowledged_at,
            updates=[CustomerIncidentUpdate(id=u.id, text=u.text, created_at=u.created_at) for u in found.updates],
            found=found)
