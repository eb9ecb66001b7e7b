"""The embedded demo data: Office2go's sub-processor list and DPA clauses, from the seed document."""

import json
from functools import cache
from importlib import resources


@cache
def office2go() -> dict:
    """The demo data as stored beside this module."""
    return json.loads(resources.files(__package__).joinpath("office2go.json").read_text(encoding="utf-8"))
