"""GET /subprocessors/versions and /subprocessors/versions/{number}: every version, and one version in full."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from registry.db import utcnow
from registry.subprocessors.index import by_name
from registry.versions import service as versions
from schema.pages import i18n
from schema.pages.public import render_page

_PAGE = 500
_MAX_NUMBER = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL: a larger number names no version


async def versions_page(request: Request) -> Response:
    """Every published version, newest first, with its status and dates."""
    language = i18n.language_of(request.query_params.get("lang"))
    now, views, before = utcnow(), [], None
    async with request.app.state.db.session() as session:
        while batch := await versions.list_versions(session=session, limit=_PAGE, before_number=before, now=now,
                                                    with_entries=False):
            views += batch
            before = batch[-1].version.number
    return render_page(request, "versions.html", language, {"views": views})


async def version_page(request: Request) -> Response:
    """One version: status, times, note, changes, the whole list and its hashes; 404 for a number never used."""
    language = i18n.language_of(request.query_params.get("lang"))
    number = request.path_params["number"]
    view = None
    if number <= _MAX_NUMBER:
        async with request.app.state.db.session() as session:
            view = await versions.get_version(session=session, number=number)
            latest = await versions.list_versions(session=session, limit=1, with_entries=False)
    if view is None:
        return not_found(request, message=i18n.texts(language).version_not_found.format(number=number))
    entries = by_name(view.entries())
    return render_page(request, "version.html", language, {
        "view": view, "version": view.version, "entries": entries,
        "has_next": bool(latest) and latest[0].version.number > number})


def not_found(request: Request, *, message: str | None = None) -> Response:
    """The 404 page, in the language the address asks for."""
    language = i18n.language_of(request.query_params.get("lang"))
    return render_page(request, "not_found.html", language, {"message": message}, status_code=404)


async def not_found_handler(request: Request, error: HTTPException) -> Response:
    """Starlette's 404 for an address no route matches, as a page rather than plain text."""
    return not_found(request)


routes = [
    Route("/subprocessors/versions", versions_page, methods=["GET"]),
    Route("/subprocessors/versions/{number:int}", version_page, methods=["GET"]),
]
