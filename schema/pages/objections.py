"""The landing page of a notice's "object" link: GET shows the customer's window and a form, POST files.

The signed token in the link names the customer and the version or legal requirement, so the page needs
no login; it is never cached or indexed, and a link scanner's GET changes nothing.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from notifications import flows
from registry.customers import service as customers
from registry.db import utcnow
from registry.errors import RegistryError
from registry.objections import links
from registry.objections import service as objections
from registry.objections.models import ObjectionStatus
from registry.legal_requirements.models import LegalRequirement
from registry.objections.terms import customer_terms, requirement_window_for, window_for
from registry.objections.windows import changes_for
from registry.text import check_fields
from registry.versions.models import Change, RegistryVersion
from schema.pages import form_token, i18n
from schema.pages.public import parse_form, render_page

# same-origin, not no-referrer: with no-referrer browsers post "Origin: null" and the form would be refused.
_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin"}


async def _requirement_context(session, customer_id: int, requirement_id: int) -> dict | None:
    requirement = await session.get(LegalRequirement, requirement_id)
    customer = await customers.get_customer(session=session, customer_id=customer_id)
    terms = await customer_terms(session=session, customer_id=customer_id)
    if requirement is None or customer is None or terms is None or requirement.notified_at is None:
        return None
    window = await requirement_window_for(session=session, customer_id=customer_id, requirement=requirement,
                                          terms=terms)
    existing = await objections.list_objections(session=session, customer_id=customer_id,
                                                legal_requirement_id=requirement_id)
    return {"requirement": requirement, "customer": customer, "window": window, "now": utcnow(),
            "objection": next((o for o in existing if o.status != ObjectionStatus.WITHDRAWN), None)}


async def _context(session, target: links.LinkTarget) -> dict | None:
    if target.legal_requirement_id is not None:
        return await _requirement_context(session, target.customer_id, target.legal_requirement_id)
    customer_id, version_number = target.customer_id, target.version_number
    version = await session.get(RegistryVersion, version_number)
    customer = await customers.get_customer(session=session, customer_id=customer_id)
    terms = await customer_terms(session=session, customer_id=customer_id)
    if version is None or customer is None or terms is None:
        return None
    window = await window_for(session=session, customer_id=customer_id, version=version, terms=terms)
    existing = await objections.list_objections(session=session, customer_id=customer_id,
                                                version_number=version_number)
    return {"version": version, "customer": customer, "window": window, "now": utcnow(),
            "objection": next((o for o in existing if o.status != ObjectionStatus.WITHDRAWN), None),
            "changes": [Change.from_json(c) for c in changes_for(version, terms.services)]}


async def _show(request: Request, token: str, *, reason: str = "", problems=(), status_code: int = 200) -> Response:
    language = i18n.language_of(request.query_params.get("lang") or (await _form_of(request)).get("lang"))
    settings = request.app.state.settings
    try:
        target = links.read_objection_link(secret_key=settings.signing_keys, token=token)
        async with request.app.state.db.session() as session:
            context = await _context(session, target)
    except RegistryError:
        context = None
    if context is None:
        return render_page(request, "objection_invalid.html", language, {}, status_code=400, headers=_HEADERS)
    page = "objection_legal.html" if "requirement" in context else "objection.html"
    return render_page(request, page, language, context | {
        "token": token, "reason": reason, "problems": list(problems)}, status_code=status_code, headers=_HEADERS,
        keep={"token": token})


async def _form_of(request: Request) -> dict[str, str]:
    if request.method != "POST":
        return {}
    return parse_form(await request.body()) or {}


async def objection_page(request: Request) -> Response:
    """GET /objections/new?token=…: the customer's window for the version and, while it is open, the form."""
    return await _show(request, request.query_params.get("token", ""))


async def file_objection(request: Request) -> Response:
    """POST /objections/new: file the objection the form describes; a repeat shows the first one."""
    settings = request.app.state.settings
    form = await _form_of(request)
    token, reason = form.get("token", ""), form.get("reason", "")
    language = i18n.language_of(form.get("lang"))
    if not form_token.same_origin(request, settings):
        return render_page(request, "objection_invalid.html", language, {}, status_code=403)
    try:
        check_fields(form)
        target = links.read_objection_link(secret_key=settings.signing_keys, token=token)
        async with request.app.state.db.transaction() as session:
            objection, _ = await flows.file_objection_and_tell(
                session=session, settings=settings, customer_id=target.customer_id,
                version_number=target.version_number, legal_requirement_id=target.legal_requirement_id,
                reason=reason, filed_by="objection link")
    except RegistryError as error:
        return await _show(request, token, reason=reason, problems=error.problems, status_code=422)
    return render_page(request, "objection_received.html", language, {"objection": objection}, headers=_HEADERS)


routes = [
    Route("/objections/new", objection_page, methods=["GET"]),
    Route("/objections/new", file_objection, methods=["POST"]),
]
