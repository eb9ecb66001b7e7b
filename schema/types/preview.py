"""The emails publishing the draft would send, as an admin previews them."""

from datetime import datetime

import strawberry

from notifications.preview import Audience, NoticePreview
from schema.types.common import Language


@strawberry.type(description="One email as its recipients would read it; links carry a fake token, not theirs.")
class NoticeAudience:
    audience: str = strawberry.field(description="SUBSCRIBER, or CUSTOMER for a customer's notice contacts.")
    language: Language
    recipients: int = strawberry.field(description="How many would get this email if published now.")
    customer_id: int | None
    customer_name: str | None
    services_touched: bool | None = strawberry.field(description=(
        "For a customer: whether the change touches a sub-processor used for their active agreements' services."))
    subject: str
    text: str
    html: str

    @classmethod
    def from_domain(cls, audience: Audience) -> "NoticeAudience":
        return cls(audience="SUBSCRIBER" if audience.customer_id is None else "CUSTOMER",
                   language=Language(audience.language), recipients=audience.recipients,
                   customer_id=audience.customer_id, customer_name=audience.customer_name,
                   services_touched=audience.services_touched, subject=audience.subject, text=audience.text,
                   html=audience.html)


@strawberry.type(description="What publishing the draft now would send; nothing is written or sent.")
class DraftNoticePreview:
    version_number: int
    effective_at: datetime
    objection_deadline: datetime | None
    audiences: list[NoticeAudience]

    @classmethod
    def from_domain(cls, preview: NoticePreview) -> "DraftNoticePreview":
        return cls(version_number=preview.version_number, effective_at=preview.effective_at,
                   objection_deadline=preview.objection_deadline,
                   audiences=[NoticeAudience.from_domain(audience) for audience in preview.audiences])
