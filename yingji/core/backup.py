"""Consistent backups: SQLite via the online-backup API (safe while the server runs) or
PostgreSQL via pg_dump, plus the uploaded files, in one .tar.gz with a manifest."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

FORMAT_VERSION = 1


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(db: dict, media_root: Path, out: Path) -> dict:
    """Write a backup archive of the database described by a Django DATABASES entry."""
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        engine = db["ENGINE"].rsplit(".", 1)[-1]
        if engine == "sqlite3":
            src = sqlite3.connect(db["NAME"])
            dst = sqlite3.connect(tmp / "database.sqlite3")
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
            db_file = "database.sqlite3"
        elif engine == "postgresql":
            args, env = _pg_env(db)
            subprocess.run(
                ["pg_dump", *args, "-Fc", "-f", str(tmp / "database.pgdump"), db["NAME"]],
                check=True,
                env=env,
            )
            db_file = "database.pgdump"
        else:
            raise ValueError(f"不支持的数据库类型:{engine}")
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "database": db_file,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "media": media_root.exists(),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        out.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(out, "w:gz") as tar:
            tar.add(tmp / "manifest.json", "manifest.json")
            tar.add(tmp / db_file, db_file)
            if media_root.exists():
                tar.add(media_root, "media")
    return manifest


def restore(archive: Path, db: dict, media_root: Path) -> dict:
    """Replace the database and uploaded files with an archive's content. Stop the server first."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text())
        engine = db["ENGINE"].rsplit(".", 1)[-1]
        if manifest["engine"] != engine:
            raise ValueError(f"备份来自 {manifest['engine']},当前数据库为 {engine},不能直接恢复。")
        if engine == "sqlite3":
            src = sqlite3.connect(tmp / manifest["database"])
            dst = sqlite3.connect(db["NAME"])
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            args, env = _pg_env(db)
            subprocess.run(
                [
                    "pg_restore",
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "-d",
                    db["NAME"],
                    str(tmp / manifest["database"]),
                ],
                check=True,
                env=env,
            )
        if manifest.get("media") and (tmp / "media").exists():
            if media_root.exists():
                shutil.rmtree(media_root)
            shutil.copytree(tmp / "media", media_root)
    return manifest
