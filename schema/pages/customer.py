"""The customer's own page: what they authorised, what is announced, their notices, objections and incidents.

The access link carries its token in the URL fragment, which browsers never send to a server, so it
stays out of access logs and referrers. The page's script keeps it in the tab's session storage and
talks to /graphql with it as a bearer token, the same API any customer may script against. The downloads
of their own incidents take the same bearer token, so the script fetches them and hands the file over.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schema.incident_export import register_routes
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


routes = [Route("/customer", customer_page, methods=["GET"]), *register_routes("/customer/incidents", own=True)]
