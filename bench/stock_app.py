"""What a user would write instead: stock strawberry, no caches, serving the same data from memory."""

import json
import os
from datetime import datetime

import strawberry
from strawberry.asgi import GraphQL
from strawberry.scalars import JSON

from registry.subprocessors.models import TransferMechanism as DomainTransferMechanism
from registry.versions.models import ChangeKind as DomainChangeKind
from registry.versions.models import VersionStatus as DomainVersionStatus

ANSWERS = {name: json.loads(body)["data"]
           for name, body in json.loads(open(os.environ["BENCH_ANSWERS"], encoding="utf-8").read()).items()}


# The same enums the registry's domain defines, as a user of strawberry would reuse them.
TransferMechanism = strawberry.enum(DomainTransferMechanism)
VersionStatus = strawberry.enum(DomainVersionStatus)
ChangeKind = strawberry.enum(DomainChangeKind)


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


def _change(raw: dict) -> Change:
    return Change(kind=ChangeKind(raw["kind"]), slug=raw["slug"], name=raw["name"], field=raw["field"],
                  before=raw["before"], after=raw["after"])


SUBPROCESSORS = [Subprocessor(slug=s["slug"], name=s["name"], legal_entity=s["legalEntity"], purpose=s["purpose"],
                              countries=s["countries"], transfer_mechanism=TransferMechanism(s["transferMechanism"]))
                 for s in ANSWERS["list"]["subprocessors"]]
HISTORY = ANSWERS["history"]["registryVersions"]
VERSIONS = [RegistryVersion(number=n["number"], status=VersionStatus(n["status"]),
                            published_at=datetime.fromisoformat(n["publishedAt"]),
                            effective_at=datetime.fromisoformat(n["effectiveAt"]), note=n["note"],
                            content_hash=n["contentHash"], changes=[_change(c) for c in n["changes"]])
            for n in (edge["node"] for edge in HISTORY["edges"])]
DIFF = ANSWERS["diff"]["registryDiff"]


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


app = GraphQL(strawberry.Schema(query=Query), allow_queries_via_get=True)
