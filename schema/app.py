"""The Starlette application: GraphQL, the Atom feed and the health check."""

from contextlib import asynccontextmanager

from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from registry.db import Database
from registry.settings import Settings, get_settings
from schema.feed import atom_feed
from schema.graphql_app import RegistryGraphQL
from schema.limits import BodySizeLimit


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

    graphql = RegistryGraphQL(db=db, settings=settings)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await graphql.aclose()
        await db.dispose()

    routes = [
        Route("/", lambda request: RedirectResponse("/graphql")),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/feed.atom", atom_feed),
        Route("/healthz", healthz),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(BodySizeLimit, max_bytes=64 * 1024)
    app.state.db, app.state.settings = db, settings
    return app
