"""The customer's own page: what they authorised, what is announced, their notices, objections and incidents.

The access link carries its token in the URL fragment, which browsers never send to a server, so it
stays out of access logs and referrers. The page's script keeps it in the tab's session storage and
talks to /graphql with it as a bearer token, the same API any customer may script against. The downloads
of their own incidents take the same bearer token, so the script fetches them and hands the file over.
"""

import json

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from registry.incidents import service as incidents
from registry.incidents.export import register_csv
from schema.graphql_app import principal_of
from schema.pages import i18n
from schema.pages.customer_texts import customer_texts
from schema.pages.public import render_page

# Unlike the other pages this one runs a script: only the registry's own, and it may only call home.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


async def customer_page(request: Request) -> Response:
    """GET /customer: the page shell; the script fills it from Query.me."""
    language = i18n.language_of(request.query_params.get("lang"))
    texts = customer_texts(language)
    return render_page(request, "customer.html", language, {"c": texts}, headers=_HEADERS)


_DOWNLOAD_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _own_register(request: Request) -> list[dict] | Response:
    """The caller's own incidents (Art. 33(5)), for a customer token; 401 without one, 403 for anyone else's."""
    principal = await principal_of(request, request.app.state.db, request.app.state.settings)
    if principal is None:
        return PlainTextResponse("A customer token is required: send Authorization: Bearer <token>.",
                                 status_code=401, headers={"WWW-Authenticate": 'Bearer realm="registry"',
                                                           **_DOWNLOAD_HEADERS})
    if principal.customer_id is None:
        return PlainTextResponse("This is a customer's own record; admins export the register at "
                                 "/admin/incidents.json.", status_code=403, headers=_DOWNLOAD_HEADERS)
    async with request.app.state.db.session() as session:
        return await incidents.incident_register(session=session, customer_id=principal.customer_id)


async def own_incidents_json(request: Request) -> Response:
    """GET /customer/incidents.json: the record of the caller's own incidents, as the admins' register shapes it."""
    register = await _own_register(request)
    if isinstance(register, Response):
        return register
    return Response(json.dumps({"incidents": register}, ensure_ascii=False, indent=2), media_type="application/json",
                    headers={**_DOWNLOAD_HEADERS, "Content-Disposition": 'attachment; filename="incidents.json"'})


async def own_incidents_csv(request: Request) -> Response:
    """GET /customer/incidents.csv: the same record as CSV, one row per notice and per update."""
    register = await _own_register(request)
    if isinstance(register, Response):
        return register
    return Response(register_csv(register), media_type="text/csv; charset=utf-8",
                    headers={**_DOWNLOAD_HEADERS, "Content-Disposition": 'attachment; filename="incidents.csv"'})


routes = [Route("/customer", customer_page, methods=["GET"]),
          Route("/customer/incidents.json", own_incidents_json, methods=["GET"]),
          Route("/customer/incidents.csv", own_incidents_csv, methods=["GET"])]
