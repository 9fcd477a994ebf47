"""Base class for management commands: every command runs inside a 'cli' actor context."""

from django.core.management.base import BaseCommand

from .context import actor_context


class AuditedCommand(BaseCommand):
    def execute(self, *args, **options):
        with actor_context(None, source="cli", label=f"cli:{self.__module__.rsplit('.', 1)[-1]}"):
            return super().execute(*args, **options)
