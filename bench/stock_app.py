"""What a user would write instead: stock strawberry, no caches, serving the same data from memory."""

import json
import os
from datetime import datetime

import strawberry
from strawberry.asgi import GraphQL
from strawberry.scalars import JSON

from registry.customers.models import AgreementStatus as DomainAgreementStatus
from registry.objections.models import ObjectionStatus as DomainObjectionStatus
from registry.subprocessors.models import TransferMechanism as DomainTransferMechanism
from registry.versions.models import ChangeKind as DomainChangeKind
from registry.versions.models import VersionStatus as DomainVersionStatus

ANSWERS = {name: json.loads(body)["data"]
           for name, body in json.loads(open(os.environ["BENCH_ANSWERS"], encoding="utf-8").read()).items()}


# The same enums the registry's domain defines, as a user of strawberry would reuse them.
TransferMechanism = strawberry.enum(DomainTransferMechanism)
VersionStatus = strawberry.enum(DomainVersionStatus)
ChangeKind = strawberry.enum(DomainChangeKind)
AgreementStatus = strawberry.enum(DomainAgreementStatus)
ObjectionStatus = strawberry.enum(DomainObjectionStatus)


@strawberry.type
class Subprocessor:
    slug: str
    name: str
    legal_entity: str | None
    purpose: str
    countries: list[str]
    transfer_mechanism: TransferMechanism


@strawberry.type
class Change:
    kind: ChangeKind
    slug: str
    name: str
    field: str | None
    before: JSON | None
    after: JSON | None


@strawberry.type
class RegistryVersion:
    number: int
    status: VersionStatus
    published_at: datetime
    effective_at: datetime
    note: str
    content_hash: str
    changes: list[Change]


@strawberry.type
class RegistryVersionEdge:
    node: RegistryVersion


@strawberry.type
class RegistryVersionConnection:
    total_count: int
    edges: list[RegistryVersionEdge]


@strawberry.type
class RegistryDiff:
    from_version: int
    to_version: int
    changes: list[Change]


@strawberry.type
class Agreement:
    accepted_at: datetime
    notice_days: int
    services: list[str]
    status: AgreementStatus


@strawberry.type
class Customer:
    name: str
    agreements: list[Agreement]


@strawberry.type
class Objection:
    id: int
    version_number: int | None
    reason: str
    status: ObjectionStatus
    filed_at: datetime


@strawberry.type
class PendingChange:
    version: RegistryVersion
    notified_at: datetime | None
    deadline: datetime | None
    can_object: bool
    objection: Objection | None
    changes: list[Change]


@strawberry.type
class CustomerNoticeRecord:
    version_number: int
    sent_at: datetime
    acknowledged_at: datetime | None


@strawberry.type
class CustomerView:
    customer: Customer
    authorised_version: int | None
    authorised_subprocessors: list[Subprocessor]
    pending_changes: list[PendingChange]
    notices: list[CustomerNoticeRecord]
    objections: list[Objection]


def _when(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def _subprocessor(s: dict) -> Subprocessor:
    return Subprocessor(slug=s["slug"], name=s["name"], legal_entity=s["legalEntity"], purpose=s["purpose"],
                        countries=s["countries"], transfer_mechanism=TransferMechanism(s["transferMechanism"]))


def _change(raw: dict) -> Change:
    return Change(kind=ChangeKind(raw["kind"]), slug=raw["slug"], name=raw["name"], field=raw["field"],
                  before=raw["before"], after=raw["after"])


SUBPROCESSORS = [_subprocessor(s) for s in ANSWERS["list"]["subprocessors"]]
HISTORY = ANSWERS["history"]["registryVersions"]
VERSIONS = [RegistryVersion(number=n["number"], status=VersionStatus(n["status"]),
                            published_at=datetime.fromisoformat(n["publishedAt"]),
                            effective_at=datetime.fromisoformat(n["effectiveAt"]), note=n["note"],
                            content_hash=n["contentHash"], changes=[_change(c) for c in n["changes"]])
            for n in (edge["node"] for edge in HISTORY["edges"])]
DIFF = ANSWERS["diff"]["registryDiff"]


def _me(raw: dict) -> CustomerView:
    """The customer's view from their recorded answer; the pending versions are the history's own objects."""
    objections = {o["id"]: Objection(id=o["id"], version_number=o["versionNumber"], reason=o["reason"],
                                     status=ObjectionStatus(o["status"]), filed_at=_when(o["filedAt"]))
                  for o in raw["objections"]}
    versions = {v.number: v for v in VERSIONS}
    customer = Customer(name=raw["customer"]["name"], agreements=[
        Agreement(accepted_at=_when(a["acceptedAt"]), notice_days=a["noticeDays"], services=a["services"],
                  status=AgreementStatus(a["status"])) for a in raw["customer"]["agreements"]])
    pending = [PendingChange(version=versions[p["version"]["number"]], notified_at=_when(p["notifiedAt"]),
                             deadline=_when(p["deadline"]), can_object=p["canObject"],
                             objection=objections[p["objection"]["id"]] if p["objection"] else None,
                             changes=[_change(c) for c in p["changes"]]) for p in raw["pendingChanges"]]
    return CustomerView(customer=customer, authorised_version=raw["authorisedVersion"],
                        authorised_subprocessors=[_subprocessor(s) for s in raw["authorisedSubprocessors"]],
                        pending_changes=pending, objections=list(objections.values()),
                        notices=[CustomerNoticeRecord(version_number=n["versionNumber"], sent_at=_when(n["sentAt"]),
                                                      acknowledged_at=_when(n["acknowledgedAt"]))
                                 for n in raw["notices"]])


# Only bench.uncached_cpu records the customer's answer; the wrk benchmark serves the public queries.
ME = _me(ANSWERS["me"]["me"]) if "me" in ANSWERS else None


@strawberry.type
class Query:
    @strawberry.field
    def subprocessors(self) -> list[Subprocessor]:
        return SUBPROCESSORS

    @strawberry.field
    def registry_versions(self, first: int = 20) -> RegistryVersionConnection:
        return RegistryVersionConnection(total_count=HISTORY["totalCount"],
                                         edges=[RegistryVersionEdge(node=v) for v in VERSIONS[:first]])

    @strawberry.field
    def registry_diff(self, from_version: int, to_version: int) -> RegistryDiff:
        return RegistryDiff(from_version=from_version, to_version=to_version,
                            changes=[_change(c) for c in DIFF["changes"]])

    @strawberry.field
    def me(self) -> CustomerView:
        return ME


app = GraphQL(strawberry.Schema(query=Query), allow_queries_via_get=True)
