"""Publishing and withdrawing change what every reader sees: the answer cache must hear of it at once."""

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types import Info

from notifications.flows import PublishOutcome
from registry.versions import models
from registry.versions import service as versions
from schema.cache_state import registry_changed
from schema.types.publish_requests import PublishRequest
from schema.types.versions import RegistryVersion


async def change_registry(info: Info, change: Callable[..., Awaitable[models.RegistryVersion]],
                          **arguments: Any) -> RegistryVersion:
    """Publish or withdraw with `change(session=…, **arguments)`; the version as it stands once committed."""
    async with info.context.db.transaction() as session:
        version = await change(session=session, **arguments)
        view = await versions.get_version(session=session, number=version.number)
    registry_changed(info.context.db)  # committed: this process's next read must not see the old answer
    return RegistryVersion.from_view(view)


async def publish_or_approve(info: Info, call: Callable[..., Awaitable[PublishOutcome]],
                             **arguments: Any) -> tuple[PublishRequest | None, RegistryVersion | None]:
    """Ask for or approve a publish with `call(session=…, **arguments)`: the request and any version it published."""
    async with info.context.db.transaction() as session:
        outcome = await call(session=session, **arguments)
        view = await versions.get_version(session=session, number=outcome.version.number) if outcome.version else None
    if view is not None:
        registry_changed(info.context.db)  # as change_registry: published, so the old answers must go now
    needed = info.context.settings.publish_approvals
    request = PublishRequest.from_domain(outcome.request, approvals_needed=needed) if outcome.request else None
    return request, RegistryVersion.from_view(view) if view else None
