"""A change set in words, as registry.versions.presentation gives it: what a person reads, in one language."""

import strawberry

from registry.versions.presentation import PresentedChanges


@strawberry.type(description="One labelled fact about a sub-processor, in words.")
class PresentedFact:
    label: str
    value: str


@strawberry.type(description="One changed field, before and after, in words.")
class PresentedFieldChange:
    label: str
    before: str
    after: str


@strawberry.type(description="An added sub-processor with every fact a controller needs to decide whether to object.")
class PresentedAdded:
    name: str
    facts: list[PresentedFact]


@strawberry.type(description="A changed sub-processor with each changed field.")
class PresentedChanged:
    name: str
    fields: list[PresentedFieldChange]


@strawberry.type(description="A version's changes in words, in one language: no codes, enum values or field names.")
class ChangesInWords:
    added: list[PresentedAdded]
    changed: list[PresentedChanged]
    removed: list[str]

    @classmethod
    def from_domain(cls, presented: PresentedChanges) -> "ChangesInWords":
        return cls(
            added=[PresentedAdded(name=a.name, facts=[PresentedFact(label=f.label, value=f.value) for f in a.facts])
                   for a in presented.added],
            changed=[PresentedChanged(name=c.name, fields=[PresentedFieldChange(label=f.label, before=f.before,
                                                                               after=f.after) for f in c.fields])
                     for c in presented.changed],
            removed=list(presented.removed))
