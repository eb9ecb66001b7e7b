"""The Atom feed of published versions, for feed readers and the processor's own site."""

from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response

from notifications.rendering.render import version_url
from registry import labels
from registry.text import strip_xml_unsafe
from registry.versions import service as versions
from registry.versions.presentation import present_version

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LENGTH = 50
_WORDS = {
    "da": {"title": "{org}: liste over underdatabehandlere", "version": "Version {number}",
           "withdrawn": " (trukket tilbage)"},
    "en": {"title": "{org}: sub-processor list", "version": "Version {number}", "withdrawn": " (withdrawn)"},
}


_SUMMARY = {
    "da": {"status": "Status", "effective": "Træder i kraft", "deadline": "Frist for indsigelse"},
    "en": {"status": "Status", "effective": "Takes effect", "deadline": "Deadline for objections"},
}


def _summary(view: versions.VersionView, language: str = labels.DEFAULT_LANGUAGE) -> str:
    """The version's note, status, dates and every change with its facts, in words in one language."""
    version, words = view.version, _SUMMARY[language]
    lines = [version.note, f"{words['status']}: {labels.label('status', view.status.value, language)}.",
             f"{words['effective']}: {labels.local_time(version.effective_at, language)}."]
    if version.objection_deadline:
        lines.append(f"{words['deadline']}: {labels.local_time(version.objection_deadline, language)}.")
    lines += present_version(version, language).lines()
    lines.append(f"SHA-256: {version.content_hash}")
    # Text stored before such characters were refused would otherwise make the feed malformed XML for good.
    return strip_xml_unsafe("\n".join(lines))


async def atom_feed(request: Request) -> Response:
    """GET /feed.atom: the newest published versions with a change summary each; ?lang=en for English."""
    db, settings = request.app.state.db, request.app.state.settings
    language = labels.language_of(request.query_params.get("lang"))
    words = _WORDS[language]
    async with db.session() as session:
        views = await versions.list_versions(session=session, limit=FEED_LENGTH)
    base = settings.public_url.rstrip("/")
    self_url = f"{base}/feed.atom" + ("?lang=en" if language == "en" else "")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language})
    organisation = strip_xml_unsafe(settings.organisation_name)
    ET.SubElement(feed, f"{{{ATOM}}}title").text = words["title"].format(org=organisation)
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
        ET.SubElement(entry, f"{{{ATOM}}}link", href=version_url(base, version.number, language),
                      rel="alternate", type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}published").text = version.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = (version.withdrawn_at or version.published_at).isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _summary(view, language)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=60", "Content-Language": language})
