"""The admins' preview page: each email publishing the draft would send, as its recipients would read it.

Admins have bearer tokens, not a browser login. The page takes the token from the URL fragment
(/admin/preview#admin_token=…), which browsers never send to a server, or from a password field, keeps
it in the tab's session storage and asks /graphql for draftNoticePreview with it: the page itself holds
nothing an anonymous caller may not see.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schema.pages.public import render_page

# Only the registry's own script, calling home; the emails' inline styles show in sandboxed frames
# that may run nothing (sandbox without allow-scripts).
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; connect-src 'self'; "
                               "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


async def admin_preview_page(request: Request) -> Response:
    """GET /admin/preview: the page shell; the script fills it from Query.draftNoticePreview."""
    return render_page(request, "admin_preview.html", "en", {}, headers=_HEADERS)


routes = [Route("/admin/preview", admin_preview_page, methods=["GET"])]
