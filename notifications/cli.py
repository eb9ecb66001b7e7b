"""`python -m registry worker` and `python -m registry subscribers …`, plugged in by entry point."""

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from notifications import logs
from registry import secret_key
from notifications.settings import get_settings

# The worker, importer, mail reader and database are imported by the commands that use them, after any
# refusal: `python -m registry` with any command would otherwise load all of them at start.


def _worker(args: argparse.Namespace) -> int:
    logs.configure()
    settings = get_settings()
    if problem := secret_key.refusal(settings):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(args.metrics_port, addr="127.0.0.1")
    from notifications.worker import Worker
    from registry.db import Database

    async def run() -> None:
        db = Database(settings.database_url, pre_ping=False)  # the worker retries what a dead connection broke
        worker = Worker(db=db, settings=settings)
        try:
            if args.once:
                await worker.drain()
                await worker.transport.close()
                return
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await worker.run(stop)
        finally:
            await db.dispose()

    asyncio.run(run())
    return 0


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    total = max(sum(1 for _ in path.open(encoding="utf-8-sig")) - 1, 0)
    from notifications.importer import import_csv
    from registry.db import Database

    def progress(done: int) -> None:
        width = 30
        filled = width * done // total if total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows", end="", file=sys.stderr, flush=True)

    async def run():
        db = Database(get_settings().database_url)
        try:
            return await import_csv(db=db, path=path, progress=progress)
        finally:
            await db.dispose()

    try:
        summary = asyncio.run(run())
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(f"imported {summary.imported}, already subscribed {summary.unchanged}, rejected {len(summary.rejected)}")
    for line, reason in summary.rejected:
        print(f"  line {line}: {reason}")
    return 1 if summary.rejected else 0


def _unsubscribe_mail(args: argparse.Namespace) -> int:
    paths = [Path(name) for name in args.paths]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = get_settings()
    if problem := secret_key.refusal(settings):  # it opens the unsubscribe links it reads: forged ones too
        print(f"error: {problem}", file=sys.stderr)
        return 2

    from notifications.subscriptions.mailto import unsubscribe_from_mail
    from registry.db import Database

    async def run() -> list:
        db = Database(settings.database_url)
        try:
            return [await unsubscribe_from_mail(db=db, settings=settings, path=path) for path in paths]
        finally:
            await db.dispose()

    summaries = asyncio.run(run())
    print(f"unsubscribed {sum(s.unsubscribed for s in summaries)}, "
          f"invalid links {sum(s.invalid for s in summaries)}, "
          f"other messages left unread {sum(s.other for s in summaries)}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser("worker", help="deliver queued notification emails until stopped")
    worker.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    worker.add_argument("--metrics-port", type=int, default=0, help="serve Prometheus metrics on 127.0.0.1:PORT")
    worker.set_defaults(run=_worker)
    subscribers = commands.add_parser("subscribers", help="manage notification subscribers")
    actions = subscribers.add_subparsers(dest="action", required=True)
    importer = actions.add_parser("import", help="import confirmed subscribers from a CSV file "
                                                 "(header: email,language,consented_at,consent_source)")
    importer.add_argument("file")
    importer.set_defaults(run=_import)
    by_mail = actions.add_parser("unsubscribe-mail", help="carry out unsubscribe requests sent to the List-Unsubscribe "
                                                          "mailto: address (a Maildir, .eml files or a folder of them)")
    by_mail.add_argument("paths", nargs="+", metavar="PATH")
    by_mail.set_defaults(run=_unsubscribe_mail)
