"""Consistent backups and verified restores.

``backup`` writes one .tar.gz: the database (SQLite via the online-backup API, safe while the
server runs; PostgreSQL via ``pg_dump -Fc``), the uploaded files under ``media/``, and
``manifest.json`` listing every file with its size and SHA-256.

``restore`` checks everything before it touches the live data (``verify`` does the same checks
and stops there):

1. the archive: a readable gzip/tar whose members are plain files and folders with relative
   paths (no ``..``, absolute paths, links or devices), no duplicates and nothing but the
   manifest, the database file and ``media/``; a manifest of this format; every file listed
   with the right size and SHA-256, and no file unlisted;
2. the database: SQLite — a non-empty SQLite file, ``PRAGMA integrity_check`` = ok;
   PostgreSQL — ``pg_restore --list`` reads the dump; for both, when the caller passes the
   code's migrations (``code_migrations()``, as the commands do), the backup's
   ``django_migrations`` has every one of them.

Then it replaces the live data and keeps the previous data as a rollback copy:

- SQLite: the live file is copied (online-backup API) to ``<file>.before-restore-<time>``
  beside it, then the verified copy is written into the live file in one SQLite transaction;
- PostgreSQL: the dump is restored into a scratch database ``<name>_restoring`` and its
  migrations checked there; then the live database is renamed ``<name>_before_restore_<time>``
  and the scratch database takes its name (refused while other sessions use the live
  database: stop ``yingji serve`` and ``yingji worker`` first);
- uploaded files: the live folder is renamed ``<folder>.before-restore-<time>``.

Every refusal raises ``BackupError`` (a ValueError) with a message in Chinese.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
DB_FILES = {"sqlite3": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
ENGINE_LABELS = {"sqlite3": "SQLite", "postgresql": "PostgreSQL"}

# {(app, name): replaced (app, name) pairs of a squashed migration, or ()}
Migrations = Mapping[tuple[str, str], tuple[tuple[str, str], ...]]


class BackupError(ValueError):
    """A backup that cannot be made or trusted, or a restore refused (message in Chinese)."""


def engine_of(db: dict) -> str:
    return db["ENGINE"].rsplit(".", 1)[-1]


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    return _sha256(Path(path))


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        raise BackupError(f"找不到 {cmd[0]} 命令:{what}需要安装 PostgreSQL 客户端工具。")


def _tail(text: str, lines: int = 3) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# --- backup -------------------------------------------------------------------------------


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes written to the archive."""

    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    with open(path, "rb") as f:
        info = tar.gettarinfo(arcname=arcname, fileobj=f)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(f)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


def backup(db: dict, media_root: Path, out: Path) -> dict:
    """Write a backup archive of the database described by a Django DATABASES entry."""
    out = Path(out)
    media_root = Path(media_root)
    engine = engine_of(db)
    if engine not in DB_FILES:
        raise BackupError(f"不支持的数据库类型:{engine}")
    db_file = DB_FILES[engine]
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yingji-backup-", dir=out.parent) as tmp:
        tmp = Path(tmp)
        if engine == "sqlite3":
            try:
                src = sqlite3.connect(db["NAME"])
                dst = sqlite3.connect(tmp / db_file)
                with dst:
                    src.backup(dst)
                src.close()
                dst.close()
            except sqlite3.Error as exc:
                raise BackupError(f"读取 SQLite 数据库失败:{exc}")
        else:
            args, env = _pg_env(db)
            done = _run(
                ["pg_dump", *args, "-Fc", "-f", str(tmp / db_file), db["NAME"]], "备份", env=env
            )
            if done.returncode:
                raise BackupError(f"pg_dump 失败:{_tail(done.stderr)}")
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "database": db_file,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "media": media_root.is_dir(),
            "files": {},
        }
        skipped = []
        partial = tmp / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            manifest["files"][db_file] = _add_file(tar, tmp / db_file, db_file)
            if manifest["media"]:
                for path in sorted(media_root.rglob("*")):
                    rel = path.relative_to(media_root).as_posix()
                    if path.is_symlink() or not (path.is_file() or path.is_dir()):
                        skipped.append(rel)  # links and devices are never backed up
                    elif path.is_file():
                        name = f"{MEDIA}/{rel}"
                        manifest["files"][name] = _add_file(tar, path, name)
            if skipped:
                manifest["skipped"] = skipped
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            (tmp / MANIFEST).write_bytes(data)
            tar.add(tmp / MANIFEST, MANIFEST)
        # The final name appears only once the archive is complete.
        os.replace(partial, out)
    return manifest


# --- verification ---------------------------------------------------------------------------


def code_migrations() -> dict:
    """Every migration the installed code has ({(app, name): replaced migrations})."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: tuple(tuple(r) for r in (loader.graph.nodes[key].replaces or ()))
        for key in loader.graph.nodes
    }


def _check_migrations(applied: set[tuple[str, str]], expected: Migrations) -> None:
    missing = sorted(
        f"{app}.{name}"
        for (app, name), replaces in expected.items()
        if (app, name) not in applied and not (replaces and all(r in applied for r in replaces))
    )
    if missing:
        examples = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise BackupError(
            f"备份中的数据库缺少当前版本的 {len(missing)} 个数据库迁移({examples}):"
            "备份来自较旧的版本,或不是本平台的数据库。请用与备份相同版本的平台恢复后再升级。"
        )


def _safe_name(name: str) -> str | None:
    """The normalised member name, or None when it could escape the extraction folder."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return None
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts or ":" in parts[0]:
        return None
    return PurePosixPath(*parts).as_posix()


def _check_members(members: list[tarfile.TarInfo]) -> set[str]:
    """Refuse anything but plain files and folders inside the archive; return the file names."""
    files: set[str] = set()
    for member in members:
        name = _safe_name(member.name)
        if name is None:
            raise BackupError(
                f"备份文件中含有不安全的路径“{member.name[:200]}”(绝对路径或 ../),已拒绝。"
            )
        if member.issym() or member.islnk():
            raise BackupError(f"备份文件中含有链接“{name[:200]}”,已拒绝(备份中不应有链接)。")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中含有特殊文件“{name[:200]}”(设备或管道),已拒绝。")
        in_media = name == MEDIA or name.startswith(MEDIA + "/")
        if member.isdir():
            if not in_media:
                raise BackupError(f"备份文件中含有未知的目录“{name[:200]}”,已拒绝。")
            continue
        if name != MANIFEST and name not in DB_FILES.values() and not in_media:
            raise BackupError(f"备份文件中含有未知的文件“{name[:200]}”,已拒绝。")
        if name in files:
            raise BackupError(f"备份文件中“{name[:200]}”出现了两次,已拒绝。")
        files.add(name)
    return files


def _read_manifest(root: Path, files: set[str]) -> dict:
    if MANIFEST not in files:
        raise BackupError("备份文件中没有清单 manifest.json:不是本平台的备份,或已损坏。")
    try:
        manifest = json.loads((root / MANIFEST).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError("备份清单 manifest.json 无法解析:备份已损坏。")
    if not isinstance(manifest, dict):
        raise BackupError("备份清单 manifest.json 格式不正确:备份已损坏。")
    fmt = manifest.get("format")
    if fmt == 1:
        raise BackupError(
            "该备份由旧版本生成,清单中没有逐个文件的 SHA-256 校验和,无法确认其完好:"
            "请用当前版本重新备份。"
        )
    if fmt != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式版本:{fmt!r}(本版本为 {FORMAT_VERSION})。")
    engine = manifest.get("engine")
    if engine not in DB_FILES or manifest.get("database") != DB_FILES[engine]:
        raise BackupError("备份清单中的数据库类型或数据库文件名不正确:备份已损坏。")
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("size"), int)
        for v in listed.values()
    ):
        raise BackupError("备份清单中缺少文件校验和:备份已损坏。")
    if manifest["database"] not in listed:
        raise BackupError("备份清单中没有列出数据库文件:备份已损坏。")
    present = files - {MANIFEST}
    missing = sorted(set(listed) - present)
    if missing:
        raise BackupError(f"清单中列出的 {len(missing)} 个文件在备份中缺失(如“{missing[0]}”)。")
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"备份中有 {len(extra)} 个清单未列出的文件(如“{extra[0]}”),已拒绝。")
    for name, entry in listed.items():
        path = root / name
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"文件“{name}”校验失败(大小或 SHA-256 不符):备份已损坏或被改动。")
    return manifest


def _extract(archive: Path, dest: Path) -> dict:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"备份文件不存在:{archive}")
    if archive.stat().st_size == 0:
        raise BackupError(f"备份文件为空(0 字节):{archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()  # reads the whole archive: damage shows here
            files = _check_members(members)
            tar.extractall(dest, members=members, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError):
        raise BackupError(f"备份文件已损坏或不完整,无法解压:{archive}")
    return _read_manifest(dest, files)


def _check_sqlite(path: Path, expected: Migrations | None) -> None:
    if path.stat().st_size == 0:
        raise BackupError("备份中的数据库文件为空(0 字节)。")
    with open(path, "rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError("备份中的数据库文件不是 SQLite 数据库。")
    try:
        conn = sqlite3.connect(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                detail = problems[0].splitlines()[-1][:200] if problems else ""
                raise BackupError(f"备份中的数据库完整性检查未通过(integrity_check:{detail})。")
            if expected is None:
                return
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "django_migrations" not in tables:
                raise BackupError("备份中的数据库不是本平台的数据库(没有 django_migrations 表)。")
            applied = {tuple(r) for r in conn.execute("SELECT app, name FROM django_migrations")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份中的数据库文件已损坏,无法读取(SQLite:{exc})。")
    _check_migrations(applied, expected)


def _parse_copy(text: str, table: str) -> list[dict]:
    """Rows of a COPY … FROM stdin block in pg_restore's SQL output."""
    rows, columns = [], None
    for line in text.splitlines():
        if columns is None:
            if line.startswith("COPY ") and f"{table} (" in line:
                columns = [c.strip() for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
            continue
        if line == "\\.":
            break
        rows.append(dict(zip(columns, line.split("\t"), strict=False)))
    return rows


def _check_pgdump(path: Path, expected: Migrations | None) -> None:
    if path.stat().st_size == 0:
        raise BackupError("备份中的数据库转储文件为空(0 字节)。")
    with open(path, "rb") as f:
        if f.read(len(PGDUMP_HEADER)) != PGDUMP_HEADER:
            raise BackupError("备份中的数据库文件不是 pg_dump 转储(-Fc 格式)。")
    listing = _run(["pg_restore", "--list", str(path)], "校验备份")
    if listing.returncode:
        raise BackupError(f"pg_restore --list 无法读取备份中的数据库转储:{_tail(listing.stderr)}")
    if expected is None:
        return
    if "TABLE DATA public django_migrations" not in listing.stdout:
        raise BackupError("备份中的数据库不是本平台的数据库(没有 django_migrations 表)。")
    data = _run(
        ["pg_restore", "--data-only", "--table=django_migrations", "-f", "-", str(path)],
        "校验备份",
    )
    if data.returncode:
        raise BackupError(f"pg_restore 无法读取 django_migrations:{_tail(data.stderr)}")
    rows = _parse_copy(data.stdout, "django_migrations")
    _check_migrations({(r.get("app"), r.get("name")) for r in rows}, expected)


@dataclass
class VerifiedArchive:
    archive: Path
    manifest: dict
    root: Path

    @property
    def engine(self) -> str:
        return self.manifest["engine"]

    @property
    def database(self) -> Path:
        return self.root / self.manifest["database"]

    def summary(self) -> str:
        media = sum(1 for name in self.manifest["files"] if name.startswith(MEDIA + "/"))
        return (
            f"备份时间 {self.manifest.get('created', '未知')},"
            f"{ENGINE_LABELS[self.engine]} 数据库,上传文件 {media} 个"
        )


@contextmanager
def verified_archive(
    archive: Path,
    *,
    engine: str | None = None,
    expected_migrations: Migrations | None = None,
    work_dir: Path | None = None,
) -> Iterator[VerifiedArchive]:
    """Extract and check an archive into a temporary folder (removed afterwards). With
    ``engine``, refuse an archive of another database type before the database checks."""
    if work_dir is not None:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yingji-restore-", dir=work_dir) as tmp:
        root = Path(tmp)
        manifest = _extract(archive, root)
        if engine is not None and manifest["engine"] != engine:
            raise BackupError(f"备份来自 {manifest['engine']},当前数据库为 {engine},不能直接恢复。")
        if manifest["engine"] == "sqlite3":
            _check_sqlite(root / manifest["database"], expected_migrations)
        else:
            _check_pgdump(root / manifest["database"], expected_migrations)
        yield VerifiedArchive(Path(archive), manifest, root)


def verify(archive: Path, *, expected_migrations: Migrations | None = None) -> dict:
    """Every check of a restore, without restoring; the manifest, or BackupError."""
    with verified_archive(archive, expected_migrations=expected_migrations) as verified:
        return verified.manifest


# --- restore --------------------------------------------------------------------------------


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _sqlite_copy(src: Path, dst: Path) -> None:
    source = sqlite3.connect(src)
    target = sqlite3.connect(dst, timeout=5)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_sqlite(verified: VerifiedArchive, db: dict) -> str | None:
    live = Path(db["NAME"])
    rollback = None
    try:
        if live.exists() and live.stat().st_size > 0:
            rollback = _free_path(live.with_name(f"{live.name}.before-restore-{_stamp()}"))
            _sqlite_copy(live, rollback)
        live.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(verified.database, live)
    except sqlite3.OperationalError as exc:
        if rollback is None or not rollback.exists():
            raise BackupError(f"无法写入当前数据库(请先停止服务):{exc}。当前数据库未改动。")
        raise BackupError(f"写入当前数据库失败:{exc}。恢复前的数据库保存在 {rollback}。")
    return str(rollback) if rollback else None


def _pg_connect(db: dict, dbname: str):
    import psycopg

    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "dbname": dbname,
        "autocommit": True,
    }
    if db.get("USER"):
        params["user"] = db["USER"]
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return psycopg.connect(**params)


def _pg_admin(db: dict):
    """A connection to a maintenance database (not the one being replaced)."""
    import psycopg

    last = None
    for name in ("postgres", "template1"):
        try:
            return _pg_connect(db, name)
        except psycopg.OperationalError as exc:
            last = exc
    raise BackupError(f"无法连接 PostgreSQL 维护数据库(postgres/template1):{last}")


def _pg_name(base: str, suffix: str) -> str:
    return base[: 63 - len(suffix.encode())] + suffix  # PostgreSQL names: at most 63 bytes


def _restore_postgresql(verified: VerifiedArchive, db: dict, expected: Migrations | None) -> str:
    from psycopg import sql

    live = db["NAME"]
    scratch = _pg_name(live, "_restoring")
    rollback = _pg_name(live, "_before_restore_" + _stamp().replace("-", "_"))
    ident = sql.Identifier
    with _pg_admin(db) as admin:

        def exists(name):
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return found.fetchone() is not None

        def drop_scratch():
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident(scratch)))

        drop_scratch()  # left over from an interrupted restore
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(ident(scratch))
        )
        try:
            args, env = _pg_env(db)
            done = _run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--exit-on-error",
                    "-d",
                    scratch,
                    str(verified.database),
                ],
                "恢复",
                env=env,
            )
            if done.returncode:
                raise BackupError(f"恢复到临时数据库失败:{_tail(done.stderr)}")
            if expected is not None:
                with _pg_connect(db, scratch) as conn:
                    applied = {
                        tuple(r) for r in conn.execute("SELECT app, name FROM django_migrations")
                    }
                _check_migrations(applied, expected)
            others = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND pid <> pg_backend_pid()",
                [live],
            ).fetchone()[0]
            if others:
                raise BackupError(
                    f"仍有 {others} 个连接在使用数据库 {live}:请先停止服务"
                    "(yingji serve、yingji worker 等)再恢复。"
                )
        except BaseException:
            drop_scratch()
            raise
        had_live = exists(live)
        try:
            if had_live:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(live), ident(rollback))
                )
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(scratch), ident(live))
            )
        except Exception as exc:
            if had_live and exists(rollback) and not exists(live):
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(rollback), ident(live))
                )
            drop_scratch()
            raise BackupError(f"切换数据库失败(当前数据库未改动):{exc}")
    return rollback if had_live else None


def _restore_media(verified: VerifiedArchive, media_root: Path) -> str | None:
    if not verified.manifest.get("media"):
        return None
    media_root = Path(media_root)
    rollback = None
    if media_root.exists():
        rollback = _free_path(media_root.with_name(f"{media_root.name}.before-restore-{_stamp()}"))
        media_root.rename(rollback)
    source = verified.root / MEDIA
    if source.is_dir():
        shutil.move(str(source), str(media_root))
    else:
        media_root.mkdir(parents=True)
    return str(rollback) if rollback else None


def restore_verified(
    verified: VerifiedArchive,
    db: dict,
    media_root: Path,
    *,
    expected_migrations: Migrations | None = None,
) -> dict:
    """Replace the live database and uploaded files with a verified archive's content,
    keeping the previous ones as rollback copies (named in the result)."""
    engine = engine_of(db)
    if verified.engine != engine:
        raise BackupError(f"备份来自 {verified.engine},当前数据库为 {engine},不能直接恢复。")
    if engine == "sqlite3":
        rollback = _restore_sqlite(verified, db)
    else:
        rollback = _restore_postgresql(verified, db, expected_migrations)
    media_rollback = _restore_media(verified, media_root)
    return {**verified.manifest, "rollback": rollback, "media_rollback": media_rollback}


def restore(
    archive: Path,
    db: dict,
    media_root: Path,
    *,
    expected_migrations: Migrations | None = None,
    work_dir: Path | None = None,
) -> dict:
    """Verify an archive, then replace the database and uploaded files with its content.
    Stop the server first. Returns the manifest plus the rollback copies' names."""
    with verified_archive(
        archive,
        engine=engine_of(db),
        expected_migrations=expected_migrations,
        work_dir=work_dir,
    ) as verified:
        return restore_verified(verified, db, media_root, expected_migrations=expected_migrations)
