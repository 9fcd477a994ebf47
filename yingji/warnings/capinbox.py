"""The watched folder for CAP import (``WARNINGS_CAP_INBOX``): every ``*.xml`` directly in the
folder is imported once through services.do_import_cap, in name order, under the name of the
user ``WARNINGS_CAP_INBOX_USER`` (who must hold the import right), then moved aside: to
``imported/`` when accepted, to ``refused/`` with a ``<name>.txt`` giving the reasons when not
(a resend of an identifier already imported is refused as a duplicate). Symbolic links, other
files and sub-folders are left alone. Run by ``yingji warnings-import-cap`` (cron, every few
minutes) and the daily jobs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from yingji.core.errors import DomainError, ValidationFailed
from yingji.standards.cap import MAX_BYTES

DONE, REFUSED = "imported", "refused"


def inbox_user(username: str | None = None):
    name = username or getattr(settings, "WARNINGS_CAP_INBOX_USER", "")
    if not name:
        raise ValidationFailed(
            "未设置 WARNINGS_CAP_INBOX_USER:请指定以哪位用户(须有导入外部预警的权限)的名义导入。"
        )
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationFailed(f"用户“{name}”不存在或已停用。")
    return user


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem}-{n}{path.suffix}"
        n += 1
    path.rename(target)
    return target


def import_folder(folder: Path | str, actor) -> dict:
    """Import every *.xml in ``folder`` once; returns counts and, per file, the outcome."""
    from .services import do_import_cap

    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationFailed(f"CAP 收件目录“{folder}”不存在。")
    out = {"imported": 0, "refused": 0, "files": []}
    for path in sorted(folder.glob("*.xml")):
        if path.is_symlink() or not path.is_file():
            continue
        reason = ""
        if path.stat().st_size > MAX_BYTES:
            reason = f"文件过大(超过 {MAX_BYTES // 1000} KB)"
        else:
            try:
                warning = do_import_cap(actor=actor, data=path.read_bytes())
            except DomainError as exc:
                reason = exc.message
        if reason:
            moved = _move(path, folder / REFUSED)
            moved.with_name(moved.name + ".txt").write_text(reason + "\n", encoding="utf-8")
            out["refused"] += 1
            out["files"].append({"file": path.name, "result": "refused", "reason": reason})
        else:
            _move(path, folder / DONE)
            out["imported"] += 1
            out["files"].append({"file": path.name, "result": "imported", "warning": warning.pk})
    return out
