"""Given any query or mutation the live schema allows, sent by a stranger, a customer or an admin, the server
never crashes: no 5xx and no masked "Unexpected error.".

The examples come from hypothesis-graphql, seeded at random on each run (REGISTRY_FUZZ_SEED=N reruns a
seed); a failure names its seed and the operation. MAX_EXAMPLES bounds the run: about 20 s per engine on a
busy machine.
"""

import json
import os
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, seed
from hypothesis import settings as examples
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from registry import seed as seed_module
from registry.auth.models import Role
from schema.settings import AppSettings
from schema.schema import build_schema
from schema.pagination import encode_cursor
from tests.conftest import make_token, notified_customer

FUZZ_SEED = int(os.environ.get("REGISTRY_FUZZ_SEED") or random.randrange(2**32))
MAX_EXAMPLES = 300
MASKED = "Unexpected error."

# Offsets as clients send them, from -12:00 to +14:00 in quarter hours.
OFFSETS = st.integers(-48, 56).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
# Instants near today (as a reader or an admin asks about), any instant a client could write down, and
# the first and last of those.
INSTANTS = st.one_of(
    st.integers(-800, 800).map(lambda days: datetime.now(UTC) + timedelta(days=days)),
    st.datetimes(timezones=st.one_of(st.just(UTC), OFFSETS)),
    st.builds(lambda instant, offset: instant.replace(tzinfo=offset), st.sampled_from([datetime.min, datetime.max]),
              OFFSETS),
)
SEED = json.loads((Path(seed_module.__file__).parent / "office2go.json").read_text(encoding="utf-8"))
# Any text a client can type, and the names and cursors the registry itself hands out.
STRINGS = st.one_of(
    st.text(),
    st.sampled_from([entry["slug"] for entry in SEED["subprocessors"]] + ["mailgun", "dpo@kunde-a.dk", "DK"]),
    st.builds(encode_cursor, st.sampled_from(["version", "audit", "audience", "recipient"]), st.integers(-1, 2**40)),
)
# Ids and version numbers that exist, and any other 32-bit integer.
INTS = st.one_of(st.integers(-1, 5), st.integers(-(2**31), 2**31 - 1))
CUSTOM_SCALARS = {
    "DateTime": INSTANTS.map(lambda instant: nodes.String(instant.isoformat())),
    "JSON": st.text(max_size=20).map(nodes.String),
    "String": STRINGS.map(nodes.String),
    "Int": INTS.map(nodes.Int),
}


def operations(schema) -> st.SearchStrategy[str]:
    """One root field per operation, every query and mutation equally likely.

    A document of many root fields mostly stops at the first one the caller may not use; one field each
    lets every resolver meet its arguments.
    """
    return st.one_of(
        *(queries(schema, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in schema.query_type.fields),
        *(mutations(schema, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in schema.mutation_type.fields))


@pytest.fixture
async def callers(seeded, gql, admin_token, db) -> dict[str, str | None]:
    """Bearer tokens of a stranger (none), a customer told of a pending version 2, and an admin.

    Hypothesis runs every example inside one test, so the registry these make grows as mutations land.
    """
    customer = await notified_customer(db, gql, admin_token, "Kunde A")
    return {"anonymous": None, "customer": await make_token(db, Role.CUSTOMER, "dpo@kunde-a.dk", customer),
            "admin": admin_token}


@seed(FUZZ_SEED)
@examples(max_examples=MAX_EXAMPLES, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(caller=st.sampled_from(["anonymous", "customer", "admin"]),
       operation=operations(build_schema(AppSettings())._schema))
async def test_no_operation_crashes_the_server(callers, client, caller, operation):
    note(f"REGISTRY_FUZZ_SEED={FUZZ_SEED}")
    token = callers[caller]

    response = await client.post("/graphql", json={"query": operation},
                                 headers={"Authorization": f"Bearer {token}"} if token else {})

    errors = (response.json().get("errors") or []) if response.status_code < 500 else []
    assert response.status_code < 500 and all(error.get("message") != MASKED for error in errors), (
        f"REGISTRY_FUZZ_SEED={FUZZ_SEED}: {caller} got {response.status_code} {response.text[:500]}\nfor {operation}")
