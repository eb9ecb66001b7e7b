"""The strawberry Schema with its limits: depth, tokens, aliases, and masked crashes."""

from functools import partial
from pathlib import Path

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from registry.settings import Settings
from schema.customer_queries import CustomerQuery
from schema.errors import should_mask
from schema.mutations import Mutation
from schema.notification_queries import NotificationQuery
from schema.queries import RegistryQuery
from schema.text_arguments import guard

Query = merge_types("Query", (RegistryQuery, CustomerQuery, NotificationQuery))
guard(Query, Mutation)

SDL_PATH = Path(__file__).with_name("schema.graphql")


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the operator's limits; extensions are factories, made anew per operation."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
            partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_query_aliases),
            partial(MaskErrors, should_mask_error=should_mask),
            ParserCache,
            ValidationCache,
        ],
    )


def export_sdl(path: Path = SDL_PATH) -> str:
    """Write the schema's SDL to schema/schema.graphql and return it."""
    sdl = build_schema(Settings()).as_str() + "\n"
    path.write_text(sdl, encoding="utf-8")
    return sdl
