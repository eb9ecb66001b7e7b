"""Enums, scalars and the error type shared by the whole schema."""

from datetime import datetime
from enum import Enum
from typing import Self

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from registry.calendar import utc_instant
from registry.errors import ErrorCode, RegistryError
from registry.subprocessors.models import TransferMechanism as DomainTransferMechanism
from registry.versions.models import ChangeKind as DomainChangeKind
from registry.versions.models import VersionStatus as DomainVersionStatus


@strawberry.enum(description="Language of texts that exist in Danish and English.")
class Language(Enum):
    DA = "da"
    EN = "en"


TransferMechanism = strawberry.enum(DomainTransferMechanism, description="Legal basis for a transfer.")
VersionStatus = strawberry.enum(DomainVersionStatus, description="Where a published version stands now.")
ChangeKind = strawberry.enum(DomainChangeKind)
UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.type(description="Something wrong with the input; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, in camelCase, if any.")
    message: str
    code: UserErrorCode


def camel(name: str | None) -> str | None:
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class FromDomain:
    """A GraphQL type whose plain fields are a domain object's attributes of the same name, enums as enums."""

    @classmethod
    def from_domain(cls, source: object, **overrides) -> Self:
        values = {}
        for field in cls.__strawberry_definition__.fields:
            if field.base_resolver is None and field.python_name not in overrides:
                value = getattr(source, field.python_name)
                enum = getattr(field.type, "of_type", field.type)
                values[field.python_name] = (enum.wrapped_cls(value) if value is not None
                                             and isinstance(enum, StrawberryEnumDefinition) else value)
        return cls(**values, **overrides)


def user_errors(error: RegistryError) -> list[UserError]:
    return [UserError(field=camel(p.field), message=p.message, code=p.code) for p in error.problems]


def aware(moment: datetime | None, argument: str) -> datetime | None:
    """The argument as a UTC instant; a RegistryError naming the argument without an offset or outside the range."""
    return None if moment is None else utc_instant(moment, argument)
