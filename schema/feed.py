"""The Atom feed of published versions, for feed readers and the processor's own site.

`?service=S` is the feed of one service: only the versions that concern it (`concerns`, the rule that opens
a customer's window and decides who is emailed), each naming only the changes that touch S (`changes_for`)
and how many more concern other services. Whoever follows one service wants to read what changes for it,
not scan a long list for it; the count and the link say the version holds more, as its hash covers all.
"""

from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from notifications.rendering.render import version_url
from registry import labels
from registry.errors import RegistryError
from registry.objections.windows import changes_for, concerns
from registry.text import strip_xml_unsafe
from registry.versions import service as versions
from registry.versions.presentation import present_changes

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LENGTH = 50
_WORDS = {
    "da": {"title": "{org}: liste over underdatabehandlere", "version": "Version {number}",
           "withdrawn": " (trukket tilbage)", "service": " – ydelsen {service}"},
    "en": {"title": "{org}: sub-processor list", "version": "Version {number}", "withdrawn": " (withdrawn)",
           "service": " – the service {service}"},
}


_SUMMARY = {
    "da": {"status": "Status", "effective": "Træder i kraft", "deadline": "Frist for indsigelse",
           "others": "Versionen har {count} ændring(er) mere, der angår andre ydelser: {url}"},
    "en": {"status": "Status", "effective": "Takes effect", "deadline": "Deadline for objections",
           "others": "The version holds {count} more change(s) concerning other services: {url}"},
}


def _summary(view: versions.VersionView, language: str = labels.DEFAULT_LANGUAGE, *, service: str | None = None,
             url: str = "") -> str:
    """The version's note, status, dates and every change (or those touching `service`) in words in one language."""
    version, words = view.version, _SUMMARY[language]
    changes = changes_for(version, [service]) if service else version.changes
    lines = [version.note, f"{words['status']}: {labels.label('status', view.status.value, language)}.",
             f"{words['effective']}: {labels.local_time(version.effective_at, language)}."]
    if version.objection_deadline:
        lines.append(f"{words['deadline']}: {labels.local_time(version.objection_deadline, language)}.")
    lines += present_changes(changes=changes, entries=version.entries, language=language).lines()
    if len(changes) < len(version.changes):
        lines.append(words["others"].format(count=len(version.changes) - len(changes), url=url))
    lines.append(f"SHA-256: {version.content_hash}")
    # Text stored before such characters were refused would otherwise make the feed malformed XML for good.
    return strip_xml_unsafe("\n".join(lines))


def feed_path(*, language: str, service: str | None = None) -> str:
    """The feed's address in `language`, of one service's versions or of all."""
    query = urlencode({**({"service": service} if service else {}), **({"lang": "en"} if language == "en" else {})})
    return "/feed.atom" + (f"?{query}" if query else "")


async def atom_feed(request: Request) -> Response:
    """GET /feed.atom: the newest published versions with a change summary each; ?lang=en, ?service=S."""
    db, settings = request.app.state.db, request.app.state.settings
    language = labels.language_of(request.query_params.get("lang"))
    service = request.query_params.get("service", "").strip() or None
    words = _WORDS[language]
    async with db.session() as session:
        if service is not None:
            try:
                await versions.chosen_services(session=session, services=[service])
            except RegistryError as error:
                return PlainTextResponse(f"{error}\n", status_code=400, headers={"Content-Language": "en"})
        views = await versions.list_versions(session=session, limit=FEED_LENGTH)
    if service is not None:
        views = [view for view in views if concerns(view.version, [service])]
    base = settings.public_url.rstrip("/")
    self_url = base + feed_path(language=language, service=service)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language})
    organisation = strip_xml_unsafe(settings.organisation_name)
    feed_title = words["title"].format(org=organisation)
    if service is not None:
        feed_title += words["service"].format(service=strip_xml_unsafe(service))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = feed_title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", href=self_url, rel="self")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=f"{base}/subprocessors/versions?lang={language}",
                  rel="alternate", type="text/html")
    updated = max((v.version.withdrawn_at or v.version.published_at for v in views), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (updated.isoformat() if updated else "1970-01-01T00:00:00+00:00")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = organisation
    for view in views:
        version = view.version
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        title = words["version"].format(number=version.number) + (words["withdrawn"] if version.withdrawn_at else "")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        # The id names the version's content, so it stays the same in either language's feed.
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:sha256:{version.content_hash}"
        page = version_url(base, version.number, language)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=page, rel="alternate", type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}published").text = version.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = (version.withdrawn_at or version.published_at).isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _summary(view, language, service=service, url=page)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=60", "Content-Language": language})
