"""GET /subprocessors, GET /agreement and POST /subscribe: the registry's own public pages, Danish and English."""

from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from notifications.subscriptions import service as subscriptions
from registry.agreement import service as agreements
from registry.db import utcnow
from registry.errors import ErrorCode, Problem, RegistryError
from registry.subprocessors.index import index
from registry.text import check_fields
from registry.versions import service as versions
from registry.versions.presentation import needs_entries, present_changes
from schema.feed import feed_path
from schema.pages import form_token, i18n
from schema.pages.templating import templates
from schema.published import effective_and_pending

HISTORY_LENGTH = 100
# The history shows a version's changes in place up to this many; a longer change set (a first list of a
# thousand) is one link to the version's own page, so the page costs what its reader can take in.
HISTORY_CHANGES = 50
_MAX_FORM_FIELDS = 10
_MAX_SERVICES_CHOSEN = 100  # more than any list names; the form's checkboxes post one field each
# The pages need no script at all; the form posts only here, and no other site may frame it (clickjacking).
_PAGE_HEADERS = {
    "Cache-Control": "private, no-cache",  # pages carry a per-browser form token: no shared caches
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render_page(request: Request, name: str, language: str, context: dict, *, status_code: int = 200,
                headers: dict | None = None, keep: dict | None = None) -> HTMLResponse:
    """A page in `language`; its language switch keeps the `keep` query parameters (a link's token, say)."""
    settings = request.app.state.settings
    other = i18n.texts(language).switch_language
    switch_url = f"{request.url.path}?{urlencode({'lang': other, **(keep or {})})}"
    common = {"t": i18n.texts(language), "lang": language, "organisation": settings.organisation_name,
              "settings": settings, "switch_url": switch_url}
    return templates.TemplateResponse(request, name, common | context, status_code=status_code,
                                      headers=_PAGE_HEADERS | (headers or {}))


def _with_form(request: Request, name: str, language: str, context: dict, *, status_code: int = 200) -> Response:
    nonce, token = form_token.issue(request, request.app.state.settings)
    response = render_page(request, name, language, context | {"form_token": token}, status_code=status_code)
    form_token.set_cookie(response, request, nonce)
    return response


async def subprocessors_page(request: Request) -> Response:
    """The list in effect, the announced changes, the history with its diffs, and the subscribe form."""
    language = i18n.language_of(request.query_params.get("lang"))
    now = utcnow()
    published = request.app.state.published
    current, pending = await effective_and_pending(published, request.app.state.db, now)
    async with request.app.state.db.session() as session:
        # The history shows changes, not lists: a thousand entries a version is most of what reading it costs.
        history = await versions.list_versions(session=session, limit=HISTORY_LENGTH, now=now, with_entries=False)
    in_place = [view.version for view in history if len(view.version.changes) <= HISTORY_CHANGES]
    lists = await published.lists([version.number for version in in_place if needs_entries(version.changes)])
    presented = {version.number: present_changes(changes=version.changes, entries=lists.get(version.number, []),
                                                 language=language) for version in in_place}
    services = versions.services_named(current=current.version if current else None, pending=pending)
    asked = request.query_params.get("letter")
    shown = published.index(current.version, asked) if current else index([], asked)
    return _with_form(request, "subprocessors.html", language, {
        "current": current.version if current else None, "pending": pending, "history": history, "email": "",
        "presented": presented, "services": services,
        "service_feeds": [(service, feed_path(language=language, service=service)) for service in services],
        **vars(shown)})


async def agreement_page(request: Request) -> Response:
    """The newest agreement template, each section in the language asked for or else in Danish."""
    language = i18n.language_of(request.query_params.get("lang"))
    async with request.app.state.db.session() as session:
        template = await agreements.get_template(session=session)
    # Each clause beside its Danish original: the translation is for convenience, the Danish governs.
    sections = list(zip(template.sections_in(language), template.sections, strict=True)) if template else []
    return render_page(request, "agreement.html", language, {"template": template, "sections": sections})


def parse_fields(body: bytes, *, max_fields: int = _MAX_FORM_FIELDS) -> dict[str, list[str]] | None:
    """Every value of every field of a urlencoded form, or None when it is malformed or has too many fields."""
    try:
        return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=max_fields)
    except ValueError:
        return None


def parse_form(body: bytes) -> dict[str, str] | None:
    """The first value of each field of a urlencoded form, or None."""
    fields = parse_fields(body)
    return None if fields is None else {name: values[0] for name, values in fields.items()}


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def subscribe(request: Request) -> Response:
    """POST /subscribe: ask for a double opt-in subscription; every valid address gets the same answer."""
    settings = request.app.state.settings
    fields = parse_fields(await request.body(), max_fields=_MAX_FORM_FIELDS + _MAX_SERVICES_CHOSEN)
    if fields is None or len(fields.get("services", [])) > _MAX_SERVICES_CHOSEN:
        # Unreadable, or more than the form can hold: nothing of it is used.
        language = i18n.language_of(request.query_params.get("lang"))
        problem = Problem(f"The form could not be read: choose at most {_MAX_SERVICES_CHOSEN} services.",
                          ErrorCode.INVALID, "services")
        return await _refused(request, language, [problem], email="", email_language=language, chosen=[])
    form = {name: values[0] for name, values in fields.items()}
    chosen = fields.get("services", [])
    language = i18n.language_of(form.get("lang"))
    if not (form_token.same_origin(request, settings) and form_token.verify(request, settings, form.get("token", ""))):
        return render_page(request, "message.html", language, {"kind": "expired"}, status_code=403)
    email = form.get("email", "")
    email_language = i18n.language_of(form.get("language") or language)
    try:
        check_fields(form | {"services": "".join(chosen)})
        async with request.app.state.db.transaction() as session:
            await subscriptions.request_subscription(session=session, settings=settings, email=email,
                                                     language=email_language, client=_client(request),
                                                     services=chosen)
    except RegistryError as error:
        return await _refused(request, language, error.problems, email=email, email_language=email_language,
                              chosen=chosen)
    return render_page(request, "message.html", language, {"kind": "inbox"})


async def _refused(request: Request, language: str, problems: list[Problem], *, email: str, email_language: str,
                   chosen: list[str]) -> Response:
    """The form again with what was wrong: 429 when it was the rate limit, else 422."""
    limited = any(problem.code == ErrorCode.RATE_LIMITED for problem in problems)
    async with request.app.state.db.session() as session:
        services = await versions.known_services(session=session)
    return _with_form(request, "subscribe_failed.html", language,
                      {"problems": problems, "email": email, "email_language": email_language,
                       "services": services, "chosen_services": chosen},
                      status_code=429 if limited else 422)


routes = [
    Route("/subprocessors", subprocessors_page, methods=["GET"]),
    Route("/agreement", agreement_page, methods=["GET"]),
    Route("/subscribe", subscribe, methods=["POST"]),
]
