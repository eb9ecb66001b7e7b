"""Operators run the registry from the command line."""

import subprocess
import sys

from tests.support.app_process import run


def test_help_lists_the_operator_commands():
    result = subprocess.run([sys.executable, "-m", "registry", "--help"], capture_output=True, text=True, timeout=60)

    for command in ("serve", "migrate", "seed", "token", "verify"):
        assert command in result.stdout


async def test_seed_is_idempotent_and_tokens_work_once_printed(db, database_url, gql):
    first = run("seed", database_url=database_url)
    second = run("seed", database_url=database_url)
    token = run("token", "create", "--role", "admin", "--name", "ops", database_url=database_url)

    assert "published version 1 with 17 sub-processors" in first.stdout
    assert "nothing to do" in second.stdout
    printed = token.stdout.strip()
    result = await gql("{ draft { subprocessors { slug } } }", token=printed)
    assert len(result["data"]["draft"]["subprocessors"]) == 17
    assert run("verify", database_url=database_url).returncode == 0
