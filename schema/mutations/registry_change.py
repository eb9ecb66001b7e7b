"""Publishing and withdrawing change what every reader sees: the answer cache must hear of it at once."""

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types import Info

from registry.versions import models
from registry.versions import service as versions
from schema.cache_state import registry_changed
from schema.types.versions import RegistryVersion


async def change_registry(info: Info, change: Callable[..., Awaitable[models.RegistryVersion]],
                          **arguments: Any) -> RegistryVersion:
    """Publish or withdraw with `change(session=…, **arguments)`; the version as it stands once committed."""
    async with info.context.db.transaction() as session:
        version = await change(session=session, **arguments)
        view = await versions.get_version(session=session, number=version.number)
    registry_changed(info.context.db)  # committed: this process's next read must not see the old answer
    return RegistryVersion.from_view(view)
