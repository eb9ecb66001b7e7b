"""The signed "object" link of a notice, bound to one customer and one version or legal requirement."""

from dataclasses import dataclass

from registry.auth.links import LinkPurpose, SecretKeys, make_link_token, read_link_token
from registry.db import is_stored_number
from registry.errors import ErrorCode, RegistryError


@dataclass(frozen=True)
class LinkTarget:
    """Who may object through a link, and to what: a version or a legal requirement, never both."""

    customer_id: int
    version_number: int | None = None
    legal_requirement_id: int | None = None


def objection_link_token(*, secret_key: SecretKeys, customer_id: int, version_number: int | None = None,
                         legal_requirement_id: int | None = None) -> str:
    """The signed token in a notice's "object" link, bound to one customer and one version or requirement."""
    subject = {"v": version_number} if legal_requirement_id is None else {"r": legal_requirement_id}
    return make_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION, payload={"c": customer_id, **subject})


def read_objection_link(*, secret_key: SecretKeys, token: str) -> LinkTarget:
    """What an objection link stands for; a RegistryError for any other token."""
    payload = read_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION, token=token) or {}
    version, requirement = payload.get("v"), payload.get("r")
    if not is_stored_number(payload.get("c")) or not (is_stored_number(version) ^ is_stored_number(requirement)):
        raise RegistryError.one("This objection link is not valid. Use the link in the latest notice.",
                                ErrorCode.INVALID, "token")
    return LinkTarget(customer_id=payload["c"], version_number=version if is_stored_number(version) else None,
                      legal_requirement_id=requirement if is_stored_number(requirement) else None)
