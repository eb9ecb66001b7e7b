"""Errors shown to the caller as they are; everything else is masked.

A RegistryError, the registry refusing a request, is answered here and nowhere else (`RegistryErrors`):
a field whose payload has userErrors returns that payload with them; any other field answers with a
top-level error carrying the problem's code and field. Resolvers make their domain call and let it raise.
"""

from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import FieldExtension
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from registry.errors import Problem, RegistryError
from schema.types.common import camel, user_errors


class BadInput(GraphQLError):
    """A query argument the API itself cannot use, such as a malformed cursor; the registry never saw it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


class InvalidArgument(GraphQLError):
    """An argument of a field without a userErrors payload that the registry refuses, naming it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message, extensions={"code": str(problem.code), "field": camel(problem.field)})


class Forbidden(GraphQLError):
    """The caller may not do this; the same answer whatever exists."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})


def payload_type(field: StrawberryField) -> type | None:
    """The field's type if it is a payload that answers with userErrors, else None."""
    returned = field.type
    if has_object_definition(returned) and any(
            f.python_name == "user_errors" for f in returned.__strawberry_definition__.fields):
        return returned
    return None


class RegistryErrors(FieldExtension):
    """Answers a RegistryError from the field: its payload with userErrors, or a top-level error.

    A top-level error can name one problem only; the registry's first is the one it found first.
    """

    payload: type | None = None

    def apply(self, field: StrawberryField) -> None:
        self.payload = payload_type(field)

    def _answer(self, error: RegistryError) -> Any:
        if self.payload is None:
            raise InvalidArgument(error.problems[0]) from None
        return self.payload(user_errors=user_errors(error))

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except RegistryError as error:
            return self._answer(error)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except RegistryError as error:
            return self._answer(error)


def answer_registry_errors(*types: type) -> None:
    """Map RegistryErrors on every resolver field of these types, outermost, so the text check's are mapped too."""
    for definition in (t.__strawberry_definition__ for t in types):
        for field in definition.fields:
            if field.base_resolver is not None and not any(isinstance(e, RegistryErrors) for e in field.extensions):
                field.extensions.append(RegistryErrors())


def should_mask(error: GraphQLError) -> bool:
    """Mask crashes; keep GraphQL's own errors (syntax, validation, permission, bad input) readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, RegistryError))


def expected_error_code(error: GraphQLError) -> str:
    """The code a readable error is known by in the logs; GraphQL's own syntax and validation errors carry none."""
    if code := (error.extensions or {}).get("code"):
        return str(code)
    if isinstance(error.original_error, RegistryError):
        return ",".join(str(problem.code) for problem in error.original_error.problems)
    return "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
