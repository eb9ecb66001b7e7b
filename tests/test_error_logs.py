"""A caller's mistake is one log line without a traceback; only a crash logs one. No token reaches the log."""

import logging

import pytest

from registry.versions import service as versions

LOGGER = "strawberry.execution"


def _lines(caplog) -> list[str]:
    return [line for line in caplog.text.splitlines() if line.strip()]


@pytest.mark.parametrize(("query", "code"), [
    ("{ draft { subprocessors { slug } } }", "FORBIDDEN"),
    ("{ me { customer { id } } }", "FORBIDDEN"),
    ('{ registryVersions(after: "not-a-cursor") { totalCount } }', "BAD_USER_INPUT"),
    ('{ subprocessors(asOf: "0001-01-01T00:00:00+00:01") { slug } }', "INVALID"),
    ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ("{ registryVersions(first: 2147483648) { totalCount } }", "GRAPHQL_VALIDATION_FAILED"),
    ("{ subprocessors ", "GRAPHQL_PARSE_FAILED"),
])
async def test_an_expected_error_is_one_line_without_a_traceback(seeded, gql, caplog, query, code):
    caplog.set_level(logging.INFO, logger=LOGGER)

    result = await gql(query)

    assert result["errors"]
    lines = _lines(caplog)
    assert len(lines) == 1, caplog.text
    assert code in lines[0] and "Traceback" not in caplog.text
    assert len(caplog.text) < 300, caplog.text  # it used to be ~1.7 KB of traceback for one FORBIDDEN


async def test_a_crash_still_logs_its_traceback_and_the_caller_sees_only_unexpected_error(seeded, gql, caplog,
                                                                                        monkeypatch):
    async def broken(**_kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(versions, "latest_number", broken)
    caplog.set_level(logging.INFO, logger=LOGGER)

    result = await gql("{ registryVersions { totalCount } }")

    assert result["errors"][0]["message"] == "Unexpected error."
    assert "Traceback" in caplog.text and "RuntimeError: the disk is on fire" in caplog.text
    assert "registryVersions" in _lines(caplog)[0]


async def test_a_token_written_into_a_failing_query_is_not_logged(seeded, gql, caplog):
    # Given a query that carries a token inline and fails validation (GraphQL's own error text quotes the source)
    caplog.set_level(logging.INFO, logger=LOGGER)
    secret = "SECRET-confirm-token-4f1d9a"

    # When it is sent
    result = await gql(f'mutation {{ confirmSubscription(token: "{secret}") {{ noSuchField }} }}')

    # Then the error is logged, without the token
    assert result["errors"] and caplog.text
    assert secret not in caplog.text
