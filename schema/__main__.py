"""`python -m schema` writes the SDL to schema/schema.graphql."""

from schema.schema import SDL_PATH, export_sdl

export_sdl()
print(f"wrote {SDL_PATH}")
