"""Where the web process is assembled: settings, database, GraphQL and its cache, the in-process worker,
the health probe, the routes (public pages, embed, Atom feed) and the middleware, all wired here and nowhere else."""

import asyncio
import hmac
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from notifications import logs as notification_logs
from notifications import metrics as notification_metrics
from notifications.worker import Worker
from registry.db import Database
from schema.settings import AppSettings, get_settings
from schema import access_log, exports
from schema.feed import atom_feed
from schema.graphql_app import RegistryGraphQL
from schema.health import HealthProbe
from schema.incident_export import routes as incident_export
from schema.limits import BodySizeLimit
from schema.pages import admin_preview, assets, customer, objections, public, versions
from schema.pages.subscriptions import routes as subscription_pages
from schema.security_headers import SecurityHeaders


async def healthz(request: Request) -> JSONResponse:
    """GET /healthz: 200 when the database answered within the last seconds, 503 when it did not."""
    if not await request.app.state.health.healthy():
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    """GET /metrics: Prometheus text format, with the outbox depth read now."""
    if not _may_scrape(request, request.app.state.settings.metrics_token):
        return PlainTextResponse("Metrics need REGISTRY_METRICS_TOKEN as a bearer token.", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    async with request.app.state.db.session() as session:
        body = await notification_metrics.exposition(session=session)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


# Headers a proxy adds: through one, a loopback peer says nothing about who is asking.
_FORWARDING_HEADERS = {"forwarded", "x-real-ip", "true-client-ip", "cf-connecting-ip", "via"}


def _may_scrape(request: Request, token: str | None) -> bool:
    # Queue depths tell a stranger how many people are told of each change, and every scrape counts
    # the whole outbox: a scraper proves itself with the token, or comes from this host when none is set.
    if token is None:
        proxied = any(name in _FORWARDING_HEADERS or name.startswith("x-forwarded-") for name in request.headers)
        return not proxied and request.client is not None and request.client.host in ("127.0.0.1", "::1")
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def create_app(settings: AppSettings | None = None, *, db: Database | None = None) -> Starlette:
    """Build the app; it uses the given database or opens one from the settings."""
    settings = settings or get_settings()
    db = db or Database(settings.database_url)
    # Here, not in `serve`: uvicorn has configured its logging by the time it calls this factory, in
    # every worker process, and a server started any other way builds the app here too.
    access_log.install()

    graphql = RegistryGraphQL(db=db, settings=settings)
    health = HealthProbe(db)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        stop, delivery = asyncio.Event(), None
        probing = asyncio.create_task(health.run(stop))
        if settings.runs_inprocess_worker:
            # The embedded default needs no second process: this server drains the outbox itself.
            notification_logs.configure()
            delivery = asyncio.create_task(Worker(db=db, settings=settings).run(stop))
        yield
        stop.set()
        await probing
        if delivery is not None:
            await delivery
        await graphql.aclose()
        await db.dispose()

    # Browsers on the operator's own websites (the embed) may call the API; no other site may read it.
    cross_origin_graphql = CORSMiddleware(graphql, allow_origins=settings.cors_origins,
                                          allow_methods=["GET", "POST"], allow_headers=["content-type"],
                                          max_age=600)
    routes = [
        Route("/", lambda request: RedirectResponse("/subprocessors")),
        Route("/graphql", cross_origin_graphql, methods=["GET", "POST", "OPTIONS"]),
        Route("/feed.atom", atom_feed),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        *public.routes,
        *exports.routes,
        *versions.routes,
        *objections.routes,
        *customer.routes,
        *admin_preview.routes,
        *incident_export,
        *assets.routes,
        *subscription_pages,
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: versions.not_found_handler})
    app.add_middleware(BodySizeLimit, max_bytes=64 * 1024)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.state.db, app.state.settings, app.state.health = db, settings, health
    app.state.published = graphql.published  # the exports read the versions GraphQL keeps in memory
    return app
