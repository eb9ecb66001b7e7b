"""The committed SDL is the schema the server serves; a stale file fails the build."""

from schema.settings import AppSettings
from schema.schema import SDL_PATH, build_schema


def test_committed_sdl_is_current():
    current = build_schema(AppSettings()).as_str() + "\n"

    assert SDL_PATH.read_text(encoding="utf-8") == current, "schema/schema.graphql is stale: run python -m schema"
