"""How long a customer may object to a version or a legal requirement, and whether a version yet binds them.

The one place that knows the deadline rules, for both things a customer can object to:
- a version opens a window only if it is material for the customer's services; a legal requirement
  only for the customers it names, and only when the processor may tell them (no secrecy recorded);
- the window closes when the change takes effect (the version's effective time, the requirement's
  planned start), but never sooner than the customer's agreed notice period counted (on the
  processor's calendar) from when their notice was actually sent;
- a customer not yet told has a window that has not started, so it cannot have closed.
"""

from dataclasses import dataclass
from datetime import datetime

from registry.calendar import add_days
from registry.legal_requirements.models import LegalRequirement
from registry.versions.diff import is_material_change
from registry.versions.models import RegistryVersion


@dataclass(frozen=True)
class Window:
    """One customer's window to object to one version."""

    opens: bool
    notified_at: datetime | None
    closes_at: datetime | None

    def accepts_objection(self, now: datetime) -> bool:
        return self.opens and (self.closes_at is None or now < self.closes_at)

    def has_closed(self, now: datetime) -> bool:
        return not self.opens or (self.closes_at is not None and now >= self.closes_at)


def serves(entry: dict, services: list[str]) -> bool:
    """Whether a sub-processor is used for any of these services; empty lists on either side mean all."""
    return not entry.get("services") or not services or bool(set(entry["services"]) & set(services))


def concerns(version: RegistryVersion, services: list[str]) -> bool:
    """Whether the version adds, or materially changes, a sub-processor used for these services."""
    entries = {entry["slug"]: entry for entry in version.entries}
    return any(is_material_change(change) and serves(entries.get(change.slug, {}), services)
               for change in version.change_list())


def window(*, opens: bool, takes_effect_at: datetime, notice_days: int, notified_at: datetime | None) -> Window:
    """The deadline rule: at the change's effective time, never sooner than the notice period from the notice."""
    if not opens or notified_at is None:
        return Window(opens=opens, notified_at=notified_at, closes_at=None)
    return Window(opens=True, notified_at=notified_at,
                  closes_at=max(takes_effect_at, add_days(notified_at, notice_days)))


def services_concerned(version: RegistryVersion) -> frozenset[str] | None:
    """The services this version concerns, by `concerns` asked of each service alone; None when it concerns all.

    `serves` asks whether an entry is used for any of the services given, so a version concerns a list of
    services exactly when it concerns one of them: the set answers for every list (a SQL filter uses it).
    A service no entry names is served only by entries used for every service: asking for none of the
    named ones ("" names no service) tells whether the version concerns every service there is.
    """
    if concerns(version, [""]):
        return None
    named = {service for entry in version.entries for service in entry.get("services") or ()}
    return frozenset(service for service in named if concerns(version, [service]))


def customer_window(*, version: RegistryVersion, services: list[str], notice_days: int,
                    notified_at: datetime | None) -> Window:
    """The customer's window for this version, from their services, notice period and notice time."""
    opens = version.withdrawn_at is None and version.material and concerns(version, services)
    return window(opens=opens, takes_effect_at=version.effective_at, notice_days=notice_days,
                  notified_at=notified_at)


def requirement_window(*, requirement: LegalRequirement, affected: bool, notice_days: int,
                       notified_at: datetime | None) -> Window:
    """A customer's window for a legal requirement: open to the customers it names, unless it is secret."""
    opens = affected and requirement.secrecy_reason is None
    return window(opens=opens, takes_effect_at=requirement.starts_at, notice_days=notice_days,
                  notified_at=notified_at)


def changes_for(version: RegistryVersion, services: list[str]) -> list[dict]:
    """The version's changes that touch sub-processors used for these services (removals always)."""
    entries = {entry["slug"]: entry for entry in version.entries}
    return [change for change in version.changes
            if change["slug"] not in entries or serves(entries[change["slug"]], services)]
