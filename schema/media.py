"""Which media type a GraphQL answer goes out in, as the GraphQL-over-HTTP spec describes.

application/graphql-response+json lets a client tell a request that never ran (400) from one that ran
with errors (200); application/json answers 200 to both, as clients written before the spec expect.
"""

from functools import lru_cache

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


@lru_cache(maxsize=256)  # clients send a handful of Accept headers; a stranger's many only cycle the 256
def negotiate(accept: str | None) -> str:
    """The media type to answer a request with this Accept header in."""
    best, best_rank = JSON, (0.0, 0)
    for candidate, preference in ((JSON, 0), (GRAPHQL_RESPONSE, 1)):
        quality, specificity = _acceptance(accept or "", candidate)
        # Equal quality: the type the client named outright wins; between two named, graphql-response+json
        # does; a bare */* keeps application/json, which every client reads.
        rank = (quality, specificity * 2 + (preference if specificity == 2 else 0))
        if quality > 0 and rank > best_rank:
            best, best_rank = candidate, rank
    return best


def _acceptance(accept: str, media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range in `accept` matching media_type; (0, 0) if none does."""
    kind = media_type.split("/")[0]
    found = (0.0, -1)
    for part in accept.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        media_range = media_range.lower()
        specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range)
        if specificity is None or specificity <= found[1]:
            continue
        found = (_quality(params), specificity)
    return found if found[1] >= 0 else (0.0, 0)


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
