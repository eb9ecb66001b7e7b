"""Who a token speaks for; apart from the token model so the CLI can name the roles without loading the ORM."""

from enum import StrEnum, auto


class Role(StrEnum):
    ADMIN = auto()  # a StrEnum's auto() is the lower-cased name: "admin", "customer"
    CUSTOMER = auto()
