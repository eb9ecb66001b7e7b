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
