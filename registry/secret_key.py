"""Whether the keys that sign links are safe to run with, and how to make one."""

import secrets

from registry.settings import RegistrySettings

DEVELOPMENT_KEY = RegistrySettings.model_fields["secret_key"].default
MIN_BYTES = 32
HOW_TO_MAKE = ("Make one with `python -m registry secret` (or: python3 -c 'import secrets; "
               "print(secrets.token_urlsafe(48))') and set REGISTRY_SECRET_KEY to it.")


def new_key() -> str:
    """A fresh random signing key: 48 random bytes, URL-safe text."""
    return secrets.token_urlsafe(48)


def refusal(settings: RegistrySettings) -> str | None:
    """Why these keys must not sign links here, or None; only the loopback SQLite demo may use a weak one."""
    # A process with no listen address (the worker) keeps the loopback default: for it this means SQLite alone.
    if settings.is_sqlite and settings.listens_on_loopback:
        return None
    named = [("REGISTRY_SECRET_KEY", settings.secret_key)]
    named += [("REGISTRY_SECRET_KEY_FALLBACKS", key) for key in settings.secret_key_fallbacks]
    for variable, key in named:
        if key == DEVELOPMENT_KEY:
            problem = f"{variable} holds the development key, which anyone can read in the source"
        elif len(key.encode()) < MIN_BYTES:
            problem = f"{variable} holds a key of {len(key.encode())} bytes; a key needs at least {MIN_BYTES}"
        else:
            continue
        advice = HOW_TO_MAKE if variable == "REGISTRY_SECRET_KEY" else f"Remove it from {variable}."
        return (f"{problem}. Whoever knows or guesses a key can sign any customer's access link, objection links and "
                f"unsubscribe links; a weak key is accepted only with the embedded SQLite database served on "
                f"a loopback address. {advice}")
    return None
