"""Business errors the registry reports to its callers as data, never as crashes."""

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    NO_CHANGES = "NO_CHANGES"
    NOTICE_TOO_SHORT = "NOTICE_TOO_SHORT"
    INVALID_STATE = "INVALID_STATE"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    RATE_LIMITED = "RATE_LIMITED"
    NOT_ALLOWED = "NOT_ALLOWED"  # this admin may not do it to this object (approving their own publish request)
    STALE = "STALE"  # what was asked for no longer matches what it was about (the draft changed since the request)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: which input field, what, and a stable code."""

    message: str
    code: ErrorCode
    field: str | None = None


class RegistryError(Exception):
    """A request the registry refuses; nothing was written."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)

    @classmethod
    def one(cls, message: str, code: ErrorCode, field: str | None = None) -> "RegistryError":
        return cls(Problem(message=message, code=code, field=field))
