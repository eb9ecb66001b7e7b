"""What every mutation shares: the shape of its payload and the one transaction its domain call runs in.

A mutation is that call and the answer built from what it returns. When the registry refuses,
schema.errors fills the payload's userErrors; nothing else about errors is written in a mutation.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from schema.types.common import UserError

Result = TypeVar("Result")


def payload(name: str, field: str, annotation: Any, *, default: Any = None, description: str | None = None,
            field_description: str | None = None, also: dict[str, tuple[Any, str]] | None = None) -> type:
    """The payload type `name`: `field` says what the mutation made or did; userErrors why it did nothing.

    `also` adds further fields, each an optional (annotation, description), for a mutation with two outcomes.
    """
    also = also or {}
    namespace = {
        "__annotations__": {field: annotation, **{extra: kind for extra, (kind, _) in also.items()},
                            "user_errors": list[UserError]},
        field: strawberry.field(default=default, description=field_description),
        **{extra: strawberry.field(default=None, description=text) for extra, (_, text) in also.items()},
        "user_errors": strawberry.field(default_factory=list),
    }
    return strawberry.type(type(name, (), namespace), description=description)


def ok_payload(name: str, *, description: str | None = None) -> type:
    """A payload that only says whether the mutation did its work."""
    return payload(name, "ok", bool, default=False, description=description)


async def in_transaction(info: Info, call: Callable[..., Awaitable[Result]], **arguments: Any) -> Result:
    """`call(session=…, **arguments)` in a transaction of its own: all of it commits, or none of it."""
    async with info.context.db.transaction() as session:
        return await call(session=session, **arguments)


def client_address(info: Info) -> str:
    """The caller's address, as rate limits count it."""
    client = info.context.request.client
    return client.host if client else "unknown"
