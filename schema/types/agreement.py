"""The agreement template and the organisation behind it."""

from datetime import datetime

import strawberry

from registry.agreement.models import AgreementTemplate as DomainTemplate
from registry.settings import RegistrySettings
from schema.types.common import Language


@strawberry.type(description="The data processor and whom to ask about data protection.")
class Organisation:
    name: str
    privacy_contact_name: str
    privacy_contact_email: str
    privacy_contact_phone: str

    @classmethod
    def from_settings(cls, settings: RegistrySettings) -> "Organisation":
        return cls(name=settings.organisation_name, privacy_contact_name=settings.privacy_contact_name,
                   privacy_contact_email=settings.privacy_contact_email,
                   privacy_contact_phone=settings.privacy_contact_phone)


@strawberry.type
class AgreementSection:
    key: str
    heading: str = strawberry.field(description="In the requested language, Danish where no translation is written.")
    body: str
    language: Language = strawberry.field(description="The language heading and body are actually in.")
    heading_da: str
    body_da: str
    heading_en: str | None
    body_en: str | None


@strawberry.type(description="A version of the data processing agreement's clauses.")
class AgreementTemplate:
    version: int
    published_at: datetime
    title: str
    sections: list[AgreementSection]
    organisation: Organisation

    @classmethod
    def from_domain(cls, template: DomainTemplate, language: Language,
                    settings: RegistrySettings) -> "AgreementTemplate":
        sections = [
            AgreementSection(key=localised.key, heading=localised.heading, body=localised.body,
                             language=Language(localised.language), heading_da=raw["heading_da"],
                             body_da=raw["body_da"], heading_en=raw.get("heading_en"), body_en=raw.get("body_en"))
            for raw, localised in zip(template.sections, template.sections_in(language.value), strict=True)
        ]
        return cls(version=template.version, published_at=template.published_at,
                   title=template.title_in(language.value), sections=sections,
                   organisation=Organisation.from_settings(settings))
