"""Test support shared by every app's tests (imported by conftest.py, never by the platform).

A snapshot of the loaded test database: the session loads regions, organisations and every
app's demo data once, takes a snapshot, and each transactional test (browser journeys,
concurrency, the worker) restores it instead of reloading everything (issue #9: the reloads
were 38 % of the suite).

- SQLite: the online backup API copies the database pages into a file and back.
- PostgreSQL: every table is copied into a schema ``yingji_snapshot`` in the same database;
  restoring truncates the live tables and copies the rows back in one transaction (foreign keys
  are DEFERRABLE in Django's schema), then moves every sequence past its table's largest id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

SNAPSHOT_SCHEMA = "yingji_snapshot"


def _sqlite_snapshot_path() -> Path:
    return Path(connection.settings_dict["NAME"] + ".snapshot")


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return [t for t in connection.introspection.table_names(cursor) if t != "django_migrations"]


def take_snapshot() -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = _sqlite_snapshot_path()
        path.unlink(missing_ok=True)
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in _tables():
            cursor.execute(
                f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote(table)} AS TABLE public.{quote(table)}"
            )


def restore_snapshot() -> None:
    """Put the database back to the snapshot. Other threads must have closed their
    connections (the live server does at the end of each request)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(_sqlite_snapshot_path())
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    quote = connection.ops.quote_name
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("TRUNCATE " + ", ".join(f"public.{quote(t)}" for t in tables) + " CASCADE")
        for table in tables:
            cursor.execute(
                f"INSERT INTO public.{quote(table)} SELECT * FROM {SNAPSHOT_SCHEMA}.{quote(table)}"  # noqa: S608 (table names from introspection)
            )
        cursor.execute("COMMIT")
        # every sequence just past its table's largest id
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# --- permission cases (tests/test_permission_rules.py) ---------------------------------------


@dataclass(frozen=True)
class Denial:
    """``persona`` (a key of conftest.PERSONAS) must not be able to ``action`` any of
    ``rows()``; ``setup()`` may create the rows first (inside the test's transaction)."""

    model: str  # "app_label.ModelName"
    persona: str
    action: str
    rows: Callable[[], object]
    why: str
    setup: Callable[[], None] | None = None
