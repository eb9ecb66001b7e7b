"""Errors shown to the caller as they are; everything else is masked."""

from graphql import GraphQLError, GraphQLSyntaxError

from registry.errors import Problem, RegistryError


class BadInput(GraphQLError):
    """A query argument that cannot be used, such as a malformed cursor."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


class InvalidArgument(GraphQLError):
    """An argument of a field without a userErrors payload that the registry refuses, naming it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message, extensions={"code": str(problem.code), "field": problem.field})


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


class Forbidden(GraphQLError):
    """The caller may not do this; the same answer whatever exists."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})
