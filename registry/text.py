"""Characters no text in the registry may hold: what it refuses on input and strips on output.

XML 1.0 cannot carry C0 control characters other than tab, line feed and carriage return, lone
surrogates (U+D800–U+DFFF), U+FFFE or U+FFFF; one of them in a published version would break the
Atom feed for good, since versions are immutable, and PostgreSQL cannot store a NUL at all. A carriage
return is accepted as it is: browsers post a textarea's line breaks as CRLF.
"""

import re
from collections.abc import Iterator, Mapping

from registry.errors import ErrorCode, Problem, RegistryError

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def problem(value: str, field: str) -> Problem | None:
    """The problem with `value` as the text of `field`, or None if it holds no refused character."""
    found = UNSAFE.search(value)
    if found is None:
        return None
    return Problem(field=field, code=ErrorCode.INVALID, message=(
        f"{field} contains U+{ord(found.group()):04X}, which the registry does not accept: no control characters "
        "other than tab and line breaks, no lone surrogates, no U+FFFE or U+FFFF."))


def check_fields(values: Mapping[str, str | None]) -> None:
    """Refuse the whole request (INVALID, naming each field) if any value holds a refused character."""
    problems = [p for field, value in values.items() if value and (p := problem(value, field))]
    if problems:
        raise RegistryError(*problems)


def unsafe_places(value: object, path: str) -> Iterator[tuple[str, str]]:
    """(path, U+XXXX) of every string inside `value` (dicts, lists) that holds a refused character."""
    if isinstance(value, str):
        if found := UNSAFE.search(value):
            yield path, f"U+{ord(found.group()):04X}"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from unsafe_places(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unsafe_places(item, f"{path}.{index}")


def strip_xml_unsafe(text: str) -> str:
    """`text` without the characters XML cannot carry: the output's defence against text stored before the check."""
    return UNSAFE.sub("", text)


def clean_output(value: object) -> object:
    """A Jinja finalize: a string to be output loses the characters XML cannot carry; markup stays markup."""
    if not isinstance(value, str) or UNSAFE.search(value) is None:
        return value
    cleaned = strip_xml_unsafe(value)
    return type(value)(cleaned) if hasattr(value, "__html__") else cleaned
