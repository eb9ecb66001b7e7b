"""The ceiling: a bare Starlette endpoint per query, returning the registry's exact answer bytes."""

import json
import os

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

ANSWERS: dict[str, str] = json.loads(open(os.environ["BENCH_ANSWERS"], encoding="utf-8").read())


def _endpoint(body: bytes):
    async def endpoint(request) -> Response:
        return Response(body, media_type="application/json")
    return endpoint


app = Starlette(routes=[Route(f"/{name}", _endpoint(body.encode()), methods=["GET", "POST"])
                        for name, body in ANSWERS.items()])
