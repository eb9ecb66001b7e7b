"""Side-by-side read benchmark: the bare-ASGI ceiling, stock strawberry and the registry (`python -m bench`)."""
