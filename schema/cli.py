"""The `serve` command, plugged into `python -m registry` through an entry point."""

import argparse
import os
import sys

from registry import secret_key
from schema.settings import get_settings


def _serve(args: argparse.Namespace) -> int:
    # Every server process (uvicorn's --workers too) reads the bind address from the environment.
    os.environ["REGISTRY_LISTEN_HOST"] = args.host
    get_settings.cache_clear()
    settings = get_settings()
    if problem := secret_key.refusal(settings):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    # Imported only now: a refusal above, and `--help`, need neither alembic nor the server.
    import uvicorn

    from registry.migrations import upgrade

    if path := settings.sqlite_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    # uvicorn would trust X-Forwarded-For from 127.0.0.1 (or $FORWARDED_ALLOW_IPS) unless told otherwise.
    proxies = settings.forwarded_allow_ips
    uvicorn.run("schema.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None, log_level="info")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="apply migrations, then serve GraphQL on HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL for more than one)")
    serve.set_defaults(run=_serve)
