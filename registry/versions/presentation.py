"""A version's change set as a person reads it, in one language: the one source for pages, emails and feed.

An added sub-processor is shown with every fact a controller needs to decide whether to object (SCCs
Clause 9(a)): who it is, what it does, where, under which transfer mechanism, with which data, for which
services. A changed one shows each changed field before and after; a removed one its name.
"""

from dataclasses import dataclass

from registry import labels
from registry.versions.models import Change, ChangeKind, RegistryVersion


@dataclass(frozen=True)
class Fact:
    """One labelled line: 'Lande: Irland, USA'."""

    label: str
    value: str


@dataclass(frozen=True)
class FieldChange:
    """One changed field: 'Overførselsgrundlag: Ukendt → Standardkontraktbestemmelser (SCC)'."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Added:
    name: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Changed:
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PresentedChanges:
    """A change set in words, grouped as readers scan it: added, changed, removed."""

    language: str
    added: tuple[Added, ...]
    changed: tuple[Changed, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """The same content as plain text lines (feed summaries, text emails)."""
        heading = {kind: labels.label("change", kind, self.language) for kind in ("ADDED", "CHANGED", "REMOVED")}
        out: list[str] = []
        for added in self.added:
            out.append(f"{heading['ADDED']}: {added.name}")
            out += [f"  {fact.label}: {fact.value}" for fact in added.facts]
        for changed in self.changed:
            out.append(f"{heading['CHANGED']}: {changed.name}")
            out += [f"  {field.label}: {field.before} → {field.after}" for field in changed.fields]
        out += [f"{heading['REMOVED']}: {name}" for name in self.removed]
        return out


def added_facts(entry: dict, language: str) -> tuple[Fact, ...]:
    """Every fact about a new sub-processor, in words."""
    countries = list(entry.get("countries") or [])
    purpose = entry.get("purpose_en" if language == "en" else "purpose_da") or entry.get("purpose_da")
    rows = [
        ("legal_entity", labels.value_text("legal_entity", entry.get("legal_entity"), language)),
        ("purpose", labels.value_text("purpose", purpose, language)),
        ("countries", labels.countries_text(countries, language)),
        ("third_country", labels.outside_eea_text(countries, language)),
        ("transfer_mechanism", labels.mechanism_label(entry.get("transfer_mechanism") or "UNKNOWN", language)),
        ("data_categories", labels.value_text("data_categories", entry.get("data_categories"), language)),
        ("services", labels.services_text(list(entry.get("services") or []), language)),
        ("website", labels.value_text("website", entry.get("website"), language)),
    ]
    return tuple(Fact(labels.field_label(field, language), value) for field, value in rows)


def _field_changes(changes: list[Change], language: str) -> tuple[FieldChange, ...]:
    fields = [FieldChange(labels.field_label(c.field, language), labels.value_text(c.field, c.before, language),
                          labels.value_text(c.field, c.after, language)) for c in changes]
    moved = next((c for c in changes if c.field == "countries"), None)
    if moved is not None:
        # Whether data now leaves the EEA is what a controller looks for in a change of countries.
        before, after = (labels.outside_eea_text(list(v or []), language) for v in (moved.before, moved.after))
        if before != after:
            fields.append(FieldChange(labels.field_label("third_country", language), before, after))
    return tuple(fields)


def present_changes(*, changes: list[Change] | list[dict], entries: list[dict], language: str) -> PresentedChanges:
    """The changes in `language`; `entries` is the list after the changes (where added entries' facts come from)."""
    language = labels.language_of(language)
    listed = [c if isinstance(c, Change) else Change.from_json(c) for c in changes]
    by_slug = {entry["slug"]: entry for entry in entries}
    added = tuple(Added(c.name, added_facts(by_slug.get(c.slug, {"name": c.name}), language))
                  for c in listed if c.kind is ChangeKind.ADDED)
    grouped: dict[str, list[Change]] = {}
    for change in listed:
        if change.kind is ChangeKind.CHANGED:
            grouped.setdefault(change.slug, []).append(change)
    changed = tuple(Changed(fields[-1].name, _field_changes(fields, language)) for fields in grouped.values())
    removed = tuple(c.name for c in listed if c.kind is ChangeKind.REMOVED)
    return PresentedChanges(language=language, added=added, changed=changed, removed=removed)


def needs_entries(changes: list[Change] | list[dict]) -> bool:
    """Whether present_changes needs the list after these changes: only an added entry's facts come from it."""
    return any((c.kind if isinstance(c, Change) else ChangeKind(c["kind"])) is ChangeKind.ADDED for c in changes)


def present_version(version: RegistryVersion, language: str) -> PresentedChanges:
    """A published version's change set in `language`."""
    return present_changes(changes=version.changes, entries=version.entries, language=language)
