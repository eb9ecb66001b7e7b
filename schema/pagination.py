"""Every list a caller pages through: Relay connections with opaque cursors and one page-size rule."""

import base64
from collections.abc import Callable, Sequence
from typing import Generic, Self, TypeVar

import strawberry
from strawberry.types import Info

from registry.db import is_stored_number
from schema.settings import AppSettings
from schema.errors import BadInput

Node = TypeVar("Node")
Row = TypeVar("Row")

# A page without `first`; the largest is settings.max_page_size. The query cost prices pages by this rule too.
DEFAULT_PAGE_SIZE = 20


def page_size(settings: AppSettings, first: int | None) -> int:
    """The page size asked for, or the default; BAD_USER_INPUT naming `first` outside 1..max_page_size."""
    cap = settings.max_page_size
    if first is not None and not 0 < first <= cap:
        raise BadInput(f"first must be between 1 and {cap}.")
    return min(first or DEFAULT_PAGE_SIZE, cap)


def encode_cursor(kind: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None, argument: str = "after") -> int | None:
    """The key inside a cursor of this kind; BAD_USER_INPUT naming the argument for anything not handed out."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        digits = text[len(kind) + 1:] if text.startswith(f"{kind}:") else ""
        if digits.isascii() and digits.isdigit() and len(digits) <= 10 and is_stored_number(int(digits)):
            return int(digits)
    except (ValueError, UnicodeError):
        pass
    raise BadInput(f"Malformed cursor in {argument}: pass an endCursor from a previous page.")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type
class Connection(Generic[Node]):
    page: strawberry.Private[list]
    page_info: PageInfo

    @strawberry.field
    def edges(self, info: Info) -> list[Edge[Node]]:
        # A long page must not hold the event loop while GraphQL completes it (schema/pacing.py).
        turns = info.context.turns
        return turns.paced(self.page) if turns else self.page

    @classmethod
    def of(cls, rows: Sequence[Row], *, limit: int, after: int | None, kind: str, key: Callable[[Row], int],
           node: Callable[[Row], Node], **extra) -> Self:
        """A page of at most `limit` rows; the service fetched limit + 1 so the extra one tells a next page exists."""
        edges = [Edge(cursor=encode_cursor(kind, key(row)), node=node(row)) for row in rows[:limit]]
        return cls(page=edges, page_info=PageInfo(
            has_next_page=len(rows) > limit, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None),
            **extra)
