"""`python -m registry`: the operator's commands. Other packages add theirs through entry points."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from registry import secret_key
from registry.auth.roles import Role
from registry.settings import get_settings

# The database, ORM, alembic and domain modules are imported by the commands that use them: every process
# (`--help`, `secret`, a server or worker refusing its key) would otherwise pay for all of them at start.

COMMAND_GROUP = "registry.commands"


def _run_in_transaction(work):
    """Run `work(session)` in one transaction on the configured database and return its result."""
    from registry.db import Database

    async def run():
        db = Database(get_settings().database_url)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(run())


def _migrate(args: argparse.Namespace) -> int:
    from registry.migrations import upgrade

    settings = get_settings()
    if path := settings.sqlite_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    print("database schema is up to date")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from registry.seed.service import seed_demo

    _migrate(args)
    done = _run_in_transaction(lambda session: seed_demo(session=session,
                                                         min_notice_days=get_settings().min_notice_days))
    print("\n".join(done) if done else "demo data already present; nothing to do")
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from registry.auth import service as auth
    from registry.errors import RegistryError

    try:
        token = _run_in_transaction(lambda session: auth.create_token(
            session=session, name=args.name, role=Role(args.role), customer_id=args.customer))
    except RegistryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(token)
    print(f"(a {args.role} token for {args.name!r}; it is shown only this once)", file=sys.stderr)
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from registry.auth import service as auth

    count = _run_in_transaction(lambda session: auth.revoke_token(session=session, name=args.name))
    print(f"revoked {count} token(s) named {args.name!r}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    if args.url:
        return _verify_remote(args.url)
    from registry.versions import service as versions

    async def check(session) -> tuple[list[str], list[str], int | None]:
        return (await versions.verify_chain(session=session), await versions.unsafe_text(session=session),
                await versions.latest_number(session=session))

    problems, unsafe, latest = _run_in_transaction(check)
    for problem in problems + unsafe:
        print(problem, file=sys.stderr)
    print(f"hash chain {'BROKEN' if problems else 'intact'}: {latest or 0} version(s) checked")
    print(f"stored text: {len(unsafe)} value(s) with characters XML cannot carry" if unsafe else "stored text: clean")
    return 1 if problems or unsafe else 0


def _verify_remote(url: str) -> int:
    if not url.startswith(("https://", "http://")):
        print(f"error: --url must be an http(s) address, not {url!r}", file=sys.stderr)
        return 2
    from registry.versions import remote

    try:
        chain = remote.verify_remote(url)
    except remote.Unreachable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in chain.problems:
        print(problem, file=sys.stderr)
    if chain.problems:
        print(f"hash chain BROKEN at {url}: {chain.checked} version(s) held before it")
        return 1
    print(f"hash chain intact at {url}: {chain.checked} version(s) checked; newest hash {chain.newest_hash}")
    return 0


def _secret(args: argparse.Namespace) -> int:
    print(secret_key.new_key())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m registry", description=(
        "Sub-processor registry. Configuration comes from REGISTRY_* environment variables (see README)."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    commands.add_parser("seed", help="migrate, then load the demo data if missing (idempotent)").set_defaults(run=_seed)
    verify = commands.add_parser("verify", help="re-check the hash chain of published versions and their stored "
                                 "text; with --url, a remote registry's chain from its public exports")
    verify.add_argument("--url", help="a registry's public address (https://…): fetch its versions' JSON and "
                        "re-check every hash and link")
    verify.set_defaults(run=_verify)
    commands.add_parser("secret", help="print a new random REGISTRY_SECRET_KEY").set_defaults(run=_secret)
    token = commands.add_parser("token", help="manage API tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", choices=[role.value for role in Role], required=True)
    create.add_argument("--name", required=True, help="who or what holds the token; recorded in the audit log")
    create.add_argument("--customer", type=int, help="the customer id a customer token acts for")
    create.set_defaults(run=_token_create)
    revoke = token.add_parser("revoke", help="revoke every token with that name")
    revoke.add_argument("--name", required=True)
    revoke.set_defaults(run=_token_revoke)
    for plugin in sorted(entry_points(group=COMMAND_GROUP), key=lambda ep: ep.name):
        plugin.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
