"""This installation's own random identity, made once when its database is created."""
