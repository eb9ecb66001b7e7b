"""The signed "object" link of a notice, bound to one customer and one version."""



from registry.auth.links import LinkPurpose, SecretKeys, make_link_token, read_link_token
from registry.errors import ErrorCode, RegistryError


def objection_link_token(*, secret_key: SecretKeys, customer_id: int, version_number: int) -> str:
    """The signed token in a notice's "object" link, bound to one customer and one version."""
    return make_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION,
                           payload={"c": customer_id, "v": version_number})


def read_objection_link(*, secret_key: SecretKeys, token: str) -> tuple[int, int]:
    """The (customer, version) an objection link stands for; a RegistryError for any other token."""
    payload = read_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION, token=token) or {}
    if not isinstance(payload.get("c"), int) or not isinstance(payload.get("v"), int):
        raise RegistryError.one("This objection link is not valid. Use the link in the latest notice.",
                                ErrorCode.INVALID, "token")
    return payload["c"], payload["v"]
