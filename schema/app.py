"""The Starlette application: GraphQL, the public pages, the embed, the Atom feed and the health check."""

from contextlib import asynccontextmanager

from sqlmodel import select
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from registry.db import Database
from registry.settings import Settings, get_settings
from schema.feed import atom_feed
from schema.graphql_app import RegistryGraphQL
from schema.limits import BodySizeLimit
from schema.pages import assets, objections, public


async def healthz(request: Request) -> JSONResponse:
    """GET /healthz: 200 when the database answers, 503 when it does not."""
    try:
        async with request.app.state.db.session() as session:
            await session.exec(select(1))
    except Exception:  # noqa: BLE001 - any failure means unhealthy, and the reason is logged by the driver
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> Starlette:
    """Build the app; it uses the given database or opens one from the settings."""
    settings = settings or get_settings()
    db = db or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await db.dispose()

    graphql = RegistryGraphQL(db=db, settings=settings)
    # Browsers on the operator's own websites (the embed) may call the API; no other site may read it.
    cross_origin_graphql = CORSMiddleware(graphql, allow_origins=settings.cors_origins,
                                          allow_methods=["GET", "POST"], allow_headers=["content-type"],
                                          max_age=600)
    routes = [
        Route("/", lambda request: RedirectResponse("/subprocessors")),
        Route("/graphql", cross_origin_graphql, methods=["GET", "POST", "OPTIONS"]),
        Route("/feed.atom", atom_feed),
        Route("/healthz", healthz),
        *public.routes,
        *objections.routes,
        *assets.routes,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(BodySizeLimit, max_bytes=64 * 1024)
    app.state.db, app.state.settings = db, settings
    return app
