"""The `yingji` command: a thin wrapper over the Django management commands.

yingji init | demo | serve | worker | backup [FILE] | restore FILE | check [--production]
yingji <any Django management command>
"""

import os
import sys

ALIASES = {
    "init": "yingji_init",
    "demo": "yingji_demo",
    "serve": "yingji_serve",
    "worker": "db_worker",
    "backup": "yingji_backup",
    "restore": "yingji_restore",
    "check": "yingji_check",
    "import-workplan": "import_workplan",
    "workplan-daily": "workplan_daily",
    "hazards-daily": "hazards_daily",
}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    from django.core.management import execute_from_command_line

    from yingji.core.context import actor_context

    # Every command, Django's own included, writes as 'cli' (audited; see yingji.core.audit).
    with actor_context(None, source="cli", label=f"cli:{argv[1] if len(argv) > 1 else ''}"):
        execute_from_command_line(argv)


if __name__ == "__main__":
    main()
