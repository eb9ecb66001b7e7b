"""The Jinja2 environment of the public pages: autoescaped, with the language helpers as filters.

Every value drops the characters XML cannot carry, so text stored before they were refused still renders.
"""

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.templating import Jinja2Templates

from registry.text import clean_output
from schema.pages import i18n


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("schema.pages", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=clean_output)
    environment.filters.update(
        local_time=i18n.local_time, machine_time=i18n.machine_time, country_name=i18n.country_name, field_label=i18n.field_label,
        mechanism_label=i18n.mechanism_label, value_text=i18n.value_text)
    return environment


templates = Jinja2Templates(env=_environment())
