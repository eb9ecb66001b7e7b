"""A query's cost is known before it runs: strangers get a budget, tokens a larger one, and refusals do no work."""

import re
from pathlib import Path

from graphql import get_introspection_query

from bench.large_list import embed_queries
from schema.cost import COSTLY
from tests.support.sql_statements import counting

ROOT = Path(__file__).resolve().parents[1]
PAGE = ("registryVersions(first: 100) { edges { node { number note "
        "subprocessors { slug name purpose countries transferMechanism } } } }")
# The reproducer: 15 aliases of the whole history with every version's list.
FIFTEEN_PAGES = "{ " + " ".join(f"a{i}: {PAGE}" for i in range(15)) + " }"


def readme_queries() -> list[str]:
    """The README's public examples (the ones it marks for an admin's or a customer's token are not a stranger's)."""
    blocks = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [block for block in blocks if not block.startswith(("# admin", "# customer"))]


async def test_the_fifteen_page_reproducer_is_refused_before_any_work(seeded, gql):
    await gql("{ organisation { name } }")  # the answer cache reads the registry's revision once; not ours to count
    with counting(seeded) as statements:
        result = await gql(FIFTEEN_PAGES)

    error = result["errors"][0]
    assert result["data"] is None and error["extensions"]["code"] == COSTLY
    assert error["extensions"]["budget"] == 10_000 and error["extensions"]["cost"] > 100_000
    assert f"cost {error['extensions']['cost']}" in error["message"] and "budget of 10000" in error["message"]
    assert statements == []


async def test_cost_counts_fragments_and_variables(seeded, gql):
    via_fragment = await gql("query { ...H } fragment H on Query { " + " ".join(
        f"a{i}: {PAGE}" for i in range(15)) + " }")
    by_variable = ("query($n: Int) { registryVersions(first: $n) { edges { node { "
                   "subprocessors { slug name purpose countries transferMechanism } } } } }")
    large = await gql(by_variable, {"n": 100})
    small = await gql(by_variable, {"n": 5})

    assert via_fragment["errors"][0]["extensions"]["code"] == COSTLY
    assert large["errors"][0]["extensions"]["code"] == COSTLY
    assert "errors" not in small and len(small["data"]["registryVersions"]["edges"][0]["node"]["subprocessors"]) == 17


async def test_the_readme_the_embed_and_graphiql_stay_within_the_anonymous_budget(seeded, gql):
    readme, embed = readme_queries(), list(embed_queries().values())
    queries = [*readme, *embed, get_introspection_query(descriptions=True)]
    assert len(readme) == 2 and len(embed) == 3

    results = [await gql(query, {"language": "EN", "letter": "D"} if "$language" in query else None)
               for query in queries]

    for query, result in zip(queries, results):
        assert all(error.get("extensions", {}).get("code") != COSTLY for error in result.get("errors", [])), query
    # The embed's and GraphiQL's queries answer cleanly (the README's second asks for a version the seed lacks)
    assert all("errors" not in result for result in results[len(readme):]), results[len(readme):]
    embedded = results[len(readme)]["data"]
    assert embedded["subprocessorIndex"]["subprocessors"] and embedded["registryVersions"]["edges"]


async def test_an_admin_may_run_a_heavier_query_than_a_stranger(seeded, gql, admin_token):
    one_page = "{ " + PAGE + " }"

    anonymous = await gql(one_page)
    admin = await gql(one_page, token=admin_token)

    assert anonymous["errors"][0]["extensions"]["code"] == COSTLY
    assert "errors" not in admin and len(admin["data"]["registryVersions"]["edges"][0]["node"]["subprocessors"]) == 17


async def test_a_stranger_asking_for_a_customers_page_is_refused_by_permission_not_by_cost(seeded, gql):
    # Given the customer page's own query, far over a stranger's budget if it ran
    script = (ROOT / "schema/pages/static/customer.js").read_text()
    document = re.search(r"const ME = `(.*?)`;", script, re.S).group(1)

    # When it is sent with no valid token
    result = await gql(document, {"language": "EN"})

    # Then the answer is FORBIDDEN, as for an expired link, and nothing ran
    assert [error["extensions"]["code"] for error in result["errors"]] == ["FORBIDDEN"]
