"""Who may call what: anonymous reads are public, writes need an admin token."""

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info


class IsAdmin(BasePermission):
    message = "An admin token is required: send Authorization: Bearer <token>."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.is_admin


class IsCustomer(BasePermission):
    message = "A customer token is required: send Authorization: Bearer <token>."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.customer_id is not None


class IsCustomerOrAdmin(BasePermission):
    message = "A customer or admin token is required: send Authorization: Bearer <token>."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and (principal.is_admin or principal.customer_id is not None)


def customer_scope(info: Info, customer_id: int | None) -> int | None:
    """The customer an operation may touch: a customer's own, whatever they pass; an admin's choice (None: all)."""
    principal = info.context.principal
    return customer_id if principal.is_admin else principal.customer_id
