"""Forging a signed token in a way that can never leave it valid."""


def forged(token: str) -> str:
    """The token with the first character of its signature changed.

    Changing the last characters is not enough: the final base64 character carries padding bits, so a
    different character there can decode to the same signature, and "xx" may be what was there already.
    """
    payload, _, signature = token.rpartition(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{payload}.{first}{signature[1:]}"
