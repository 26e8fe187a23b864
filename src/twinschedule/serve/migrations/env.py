"""Alembic's environment for the service's migrations: the service passes its open
connection in ``config.attributes["connection"]`` (``db.migrate``); there is no
``alembic.ini`` and no URL here."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
