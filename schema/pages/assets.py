"""The pages' stylesheet and scripts under /static and the website embed at /embed.js, plain files, no build step."""

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")
# Short enough that a fixed embed reaches every host page within minutes.
ASSET_CACHE = "public, max-age=300"


async def embed_script(request: Request) -> Response:
    """GET /embed.js: the script a website includes to show the list; it talks to /graphql."""
    return FileResponse(STATIC / "embed.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": ASSET_CACHE})


routes = [
    Route("/embed.js", embed_script, methods=["GET"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
