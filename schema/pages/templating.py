"""The Jinja2 environment of the public pages: autoescaped, with the language helpers as filters.

Every value drops the characters XML cannot carry, so text stored before they were refused still renders.
"""

import re

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from registry.text import clean_output
from registry.versions.presentation import present_changes, present_version
from schema.pages import i18n


# How the clauses refer to the list of sub-processors, in the seed's Danish and in the translation;
# the longer phrase first, so a sentence that holds both links once.
_LIST_MENTIONS = re.compile("|".join(re.escape(str(escape(phrase))) for phrase in (
    "Se liste over underdatabehandlere", "fortegnelse over underdatabehandlere",
    "See the list of sub-processors", "list of sub-processors")))


def link_list_mentions(text: str, language: str) -> Markup:
    """A clause's text, escaped, with each mention of the list of sub-processors a link to that list."""
    escaped = str(escape(clean_output(text)))
    return Markup(_LIST_MENTIONS.sub(
        lambda match: f'<a href="/subprocessors?lang={language}">{match.group(0)}</a>', escaped))


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("schema.pages", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=clean_output)
    environment.filters.update(
        local_time=i18n.local_time, machine_time=i18n.machine_time, country_name=i18n.country_name,
        field_label=i18n.field_label, mechanism_label=i18n.mechanism_label, value_text=i18n.value_text,
        present=present_version, link_list_mentions=link_list_mentions)
    environment.globals["present_changes"] = present_changes
    return environment


templates = Jinja2Templates(env=_environment())
