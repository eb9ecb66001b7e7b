"""Every text argument is checked against registry.text before its resolver runs.

Whether it came in a variable or as a string literal in the query, with an escape such as "\\u0000",
it reaches the field as the same converted value, so one check here covers both. Only root fields take
text today; tests/test_control_characters.py fails if a field elsewhere starts to without the check.
"""

from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.base import has_object_definition
from strawberry.types.info import Info

from registry import text
from registry.errors import Problem, RegistryError
from schema.types.common import camel


def _problems(value: Any, path: tuple[str, ...]) -> list[Problem]:
    """Problems with the strings in `value`, an argument at `path` (Python names; named only if at fault)."""
    if isinstance(value, str):
        if text.UNSAFE.search(value) is None:
            return []
        # The userErrors convention: fields of a mutation's `input` are named without the "input." prefix.
        named = path[1:] if path[0] == "input" and len(path) > 1 else path
        return [text.problem(value, ".".join(camel(part) for part in named))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _problems(item, (*path, str(index)))]
    if has_object_definition(type(value)):  # an input object
        return [p for field in type(value).__strawberry_definition__.fields
                for p in _problems(getattr(value, field.python_name), (*path, field.python_name))]
    return []


class TextArguments(FieldExtension):
    """Refuses a field whose arguments hold characters the registry does not accept; nothing runs or is written.

    It raises the RegistryError the resolver would (code INVALID, the argument's path), and
    schema.errors answers it as for any other: in the payload's userErrors, or as a top-level error.
    """

    def _check(self, kwargs: dict[str, Any]) -> None:
        if problems := [p for name, value in kwargs.items() for p in _problems(value, (name,))]:
            raise RegistryError(*problems)

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(kwargs)
        return await next_(source, info, **kwargs)


def guard(*types: type) -> None:
    """Check the text arguments of every field of these types that takes arguments, after its permission check."""
    for definition in (t.__strawberry_definition__ for t in types):
        for field in definition.fields:
            if field.arguments and not any(isinstance(e, TextArguments) for e in field.extensions):
                # Field extensions wrap outward in list order: first in the list runs last, next to the resolver.
                field.extensions.insert(0, TextArguments())
