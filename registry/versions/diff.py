"""Field-level differences between two lists of sub-processor entries."""

from registry.subprocessors.models import MATERIAL_FIELDS
from registry.versions.models import Change, ChangeKind

FIELD_ORDER = ("name", "legal_entity", "purpose_da", "purpose_en", "data_categories", "countries",
               "transfer_mechanism", "services", "website")


def diff_entries(before: list[dict], after: list[dict]) -> list[Change]:
    """What changes from `before` to `after`: removed, added, then changed fields, by slug."""
    old = {entry["slug"]: entry for entry in before}
    new = {entry["slug"]: entry for entry in after}
    changes = [Change(ChangeKind.REMOVED, slug, old[slug]["name"]) for slug in sorted(old.keys() - new.keys())]
    changes += [Change(ChangeKind.ADDED, slug, new[slug]["name"]) for slug in sorted(new.keys() - old.keys())]
    for slug in sorted(old.keys() & new.keys()):
        for field in FIELD_ORDER:
            if old[slug].get(field) != new[slug].get(field):
                changes.append(Change(ChangeKind.CHANGED, slug, new[slug]["name"], field,
                                      old[slug].get(field), new[slug].get(field)))
    return changes


def is_material_change(change: Change) -> bool:
    """An addition, or a change to where, how or why data is processed, needs a window to object."""
    return change.kind is ChangeKind.ADDED or (change.kind is ChangeKind.CHANGED and change.field in MATERIAL_FIELDS)


def is_material(changes: list[Change]) -> bool:
    """Whether any of the changes is material."""
    return any(is_material_change(change) for change in changes)
