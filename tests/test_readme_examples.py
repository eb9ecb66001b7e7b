"""Every GraphQL example in the README runs as written against a freshly seeded registry, in the README's order."""

import re
from pathlib import Path

from registry.auth.models import Role
from tests.conftest import make_customer, make_token
from tests.support.stand_ins import public_dns

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```graphql\n(.*?)^```", re.MULTILINE | re.DOTALL)
ADMIN = "# admin:"  # the first line of an example that needs an admin token
CUSTOMER = "# customer:"  # the first line of an example a customer runs with their own token


def examples() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def user_errors(value) -> list:
    """Every userErrors entry anywhere in an answer."""
    if isinstance(value, dict):
        return [*value.get("userErrors", []), *(e for v in value.values() for e in user_errors(v))]
    if isinstance(value, list):
        return [e for v in value for e in user_errors(v)]
    return []


def test_the_readme_has_public_and_admin_examples():
    blocks = examples()
    assert len(blocks) >= 5
    assert any(block.startswith(ADMIN) for block in blocks) and any(not block.startswith(ADMIN) for block in blocks)


async def test_every_graphql_example_in_the_readme_answers_without_errors(seeded, gql, admin_token, monkeypatch):
    # Given a freshly seeded registry (version 1 only) with one customer, and (no internet here) a stand-in DNS
    # answering a public address for the webhook host the README registers; when each example runs in order,
    # as its caller
    public_dns(monkeypatch)
    customer = await make_customer(seeded, "Kunde A/S")
    customer_token = await make_token(seeded, Role.CUSTOMER, "kunde-a", customer_id=customer)
    for example in examples():
        token = admin_token if example.startswith(ADMIN) else customer_token if example.startswith(CUSTOMER) else None
        answer = await gql(example, token=token)

        # Then it answers with data for every field it asks for, no errors and no userErrors
        assert "errors" not in answer, (example, answer)
        assert answer["data"] and all(value is not None for value in answer["data"].values()), (example, answer)
        assert user_errors(answer["data"]) == [], (example, answer)
