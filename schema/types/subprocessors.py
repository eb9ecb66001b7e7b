"""The Subprocessor type as the website and customers read it."""

import strawberry

from registry import labels
from registry.objections.windows import serves
from registry.subprocessors.index import by_name, index
from registry.subprocessors.models import SubprocessorEntry
from registry.versions.models import RegistryVersion as RegistryVersionRow
from registry.versions.service import VersionView
from schema.published import PublishedVersions
from schema.types.common import Language, TransferMechanism


@strawberry.type(description="A company that processes personal data on the processor's behalf.")
class Subprocessor:
    slug: str
    name: str
    legal_entity: str | None
    purpose: str = strawberry.field(description="Why the processor uses it, in the requested language.")
    purpose_da: str
    purpose_en: str
    data_categories: list[str] = strawberry.field(description="Empty while the source does not state them.")
    countries: list[str] = strawberry.field(description="ISO 3166-1 alpha-2 codes; empty while unknown.")
    transfer_mechanism: TransferMechanism
    third_country: bool | None = strawberry.field(
        description="True if any processing country is outside the EEA; null while the countries are unknown.")
    services: list[str] = strawberry.field(description="The services it is used for; empty means all of them.")
    website: str | None
    country_names: list[str] = strawberry.field(description="The countries' names in the language asked for.")

    @classmethod
    def from_entry(cls, entry: SubprocessorEntry, language: Language = Language.DA) -> "Subprocessor":
        return cls(
            slug=entry.slug, name=entry.name, legal_entity=entry.legal_entity,
            purpose=entry.purpose(language.value), purpose_da=entry.purpose_da, purpose_en=entry.purpose_en,
            data_categories=list(entry.data_categories), countries=list(entry.countries),
            transfer_mechanism=entry.transfer_mechanism, third_country=entry.third_country,
            services=list(entry.services), website=entry.website,
            country_names=[labels.country_name(code, language.value) for code in entry.countries],
        )


def subprocessors_of(view: VersionView, language: Language, published: PublishedVersions | None) -> list[Subprocessor]:
    """A version's list as GraphQL gives it; built once per language while the memory keeps the version."""
    if published is None:
        return [Subprocessor.from_entry(entry, language) for entry in view.entries()]
    return published.derived(view.version, (Subprocessor, language), lambda row: [
        Subprocessor.from_entry(entry, language) for entry in published.entries_of(row)])


def served_subprocessors(row: RegistryVersionRow, services: list[str], language: Language,
                         published: PublishedVersions | None) -> list[Subprocessor]:
    """The part of a version's list used for these services, from the list built once per language."""
    every = subprocessors_of(VersionView(row, None), language, published)
    # The built list keeps the row's order, so each entry pairs with its stored form, which `serves` reads.
    return [subprocessor for raw, subprocessor in zip(row.entries, every, strict=True) if serves(raw, services)]


@strawberry.type(description=(
    "The list in effect as a reader looks a name up: whole up to 100 entries, past that one initial letter at a "
    "time (the public page's rule)."))
class SubprocessorIndex:
    total: int = strawberry.field(description="How many sub-processors the list holds.")
    letters: list[str] = strawberry.field(description="The initials of their names, sorted; empty when it is whole.")
    letter: str | None = strawberry.field(description="The initial shown; null when the whole list is.")
    subprocessors: list[Subprocessor] = strawberry.field(description="The entries shown, sorted by name.")


def subprocessor_index(view: VersionView | None, language: Language, published: PublishedVersions | None,
                       letter: str | None) -> SubprocessorIndex:
    """The index of a version's list for the letter asked for; a letter's entries built once per language."""
    if view is not None and published is not None:
        shown = published.index(view.version, letter)
        subprocessors = published.derived(view.version, (SubprocessorIndex, language, shown.letter), lambda _row: [
            Subprocessor.from_entry(entry, language) for entry in shown.entries])
    else:
        shown = index(by_name(view.entries()) if view else [], letter)
        subprocessors = [Subprocessor.from_entry(entry, language) for entry in shown.entries]
    return SubprocessorIndex(total=shown.total, letters=shown.letters, letter=shown.letter, subprocessors=subprocessors)


@strawberry.input(description="A sub-processor as it should stand in the draft of the next version.")
class SubprocessorInput:
    slug: str
    name: str
    purpose_da: str
    purpose_en: str
    previous_slug: str | None = strawberry.field(default=None, description="Set to rename an entry.")
    legal_entity: str | None = None
    data_categories: list[str] = strawberry.field(default_factory=list)
    countries: list[str] = strawberry.field(default_factory=list)
    transfer_mechanism: TransferMechanism = TransferMechanism.UNKNOWN
    services: list[str] = strawberry.field(default_factory=list)
    website: str | None = None
