"""The strawberry Schema with its limits: depth, tokens, aliases, cost, and masked crashes."""

import logging
from functools import partial
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from schema.settings import AppSettings
from schema.cost import QueryCost
from schema.customer_queries import CustomerQuery
from schema.errors import answer_registry_errors, expected_error_code, should_mask
from schema.incident_queries import IncidentQuery
from schema.legal_requirement_queries import LegalRequirementQuery
from schema.mutations import Mutation
from schema.notification_queries import NotificationQuery
from schema.preview_queries import PreviewQuery
from schema.publish_request_queries import PublishRequestQuery
from schema.queries import RegistryQuery
from schema.text_arguments import guard
from schema.types.notifications import NoticeReport
from schema.types.webhooks import WebhookEndpoint
from schema.webhook_queries import WebhookQuery

Query = merge_types("Query", (RegistryQuery, CustomerQuery, NotificationQuery, PreviewQuery, PublishRequestQuery,
                              IncidentQuery, WebhookQuery, LegalRequirementQuery))
# The nested fields with arguments: NoticeReport.recipients and WebhookEndpoint.deliveries.
guard(Query, Mutation, NoticeReport, WebhookEndpoint)
answer_registry_errors(Query, Mutation)

SDL_PATH = Path(__file__).with_name("schema.graphql")

log = logging.getLogger("strawberry.execution")
MAX_LOGGED_MESSAGE = 300  # a message may quote what the caller sent; one line stays one short line


class RegistrySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """One line per expected error (a caller's mistake); a traceback only for crashes, which need a fix.

        Neither prints the query's source, which GraphQLError's own text quotes: it may hold a token.
        """
        for error in errors:
            message = error.message[:MAX_LOGGED_MESSAGE]
            path = ".".join(map(str, error.path)) if error.path else "-"
            if should_mask(error):
                log.error("GraphQL unexpected error at %s: %r", path, message, exc_info=error.original_error)
            else:
                log.warning("GraphQL %s at %s: %r", expected_error_code(error), path, message)


def build_schema(settings: AppSettings) -> strawberry.Schema:
    """The schema with the operator's limits; extensions are factories, made anew per operation."""
    # The limiters make a new rule class per instance, and ValidationCache keys on the rules: made per
    # operation they would miss every time, so the rules are made once here and shared.
    limits = [*QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
              *MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules]
    return RegistrySchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            partial(AddValidationRules, limits),
            partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
            partial(MaskErrors, should_mask_error=should_mask),
            QueryCost,
            ParserCache,
            ValidationCache,
        ],
    )


def export_sdl(path: Path = SDL_PATH) -> str:
    """Write the schema's SDL to schema/schema.graphql and return it."""
    sdl = build_schema(AppSettings()).as_str() + "\n"
    path.write_text(sdl, encoding="utf-8")
    return sdl
