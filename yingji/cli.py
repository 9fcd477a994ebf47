"""The `yingji` command: a thin wrapper over the Django management commands.

yingji init | demo | serve | worker | daily | backup [FILE] | restore FILE | check [--production]
yingji <an app's command, as its AppConfig's cli_commands names it> | <any Django command>
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from yingji.core.context import actor_context
    from yingji.core.hooks import cli_commands

    if len(argv) > 1:
        argv[1] = cli_commands().get(argv[1], argv[1])
    # Every command, Django's own included, writes as 'cli' (audited; see yingji.core.audit).
    with actor_context(None, source="cli", label=f"cli:{argv[1] if len(argv) > 1 else ''}"):
        execute_from_command_line(argv)


if __name__ == "__main__":
    main()
