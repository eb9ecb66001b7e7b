"""Publishing and withdrawing change what every reader sees: the answer cache must hear of it at once."""

from collections.abc import Awaitable, Callable

from strawberry.types import Info

from registry.versions import models
from registry.versions import service as versions
from schema.cache_state import registry_changed
from schema.types.versions import RegistryVersion


async def change_registry(info: Info, change: Callable[..., Awaitable[models.RegistryVersion]]) -> RegistryVersion:
    """Run `change(session=…)` in one transaction and answer with the version it made, as it now stands."""
    async with info.context.db.transaction() as session:
        version = await change(session=session)
        view = await versions.get_version(session=session, number=version.number)
    registry_changed(info.context.db)  # committed: this process's next read must not see the old answer
    return RegistryVersion.from_view(view)
