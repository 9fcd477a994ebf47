"""Restore drill (issue #10): a backup damaged in each way is refused before anything is
touched, with a Chinese message and a non-zero exit; a good backup restores every table
exactly and keeps the previous data as a rollback copy; the restore is audited.

SQLite drills run on a copy of the test database (reference and demo data, every migration);
the PostgreSQL drill runs when DATABASE_URL is PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yingji.core.backup import (
    BackupError,
    backup,
    code_migrations,
    file_sha256,
    restore,
    verify,
)

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drill")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="needs PostgreSQL and pg_dump",
)

DB = "database.sqlite3"


@pytest.fixture(scope="module")
def migrations():
    return code_migrations()


# --- archives, taken apart and put back together ------------------------------------------


def unpack(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def pack(path: Path, files: dict[str, bytes], *, fix_manifest: bool = True, extra=()) -> Path:
    """Write an archive of ``files``; with fix_manifest the manifest's sizes and checksums
    are recomputed, so that the check after the checksums is what must refuse."""
    files = dict(files)
    if fix_manifest and "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])
        manifest["files"] = {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
            if name != "manifest.json"
        }
        files["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def flip(data: bytes, at: int, count: int = 16) -> bytes:
    buf = bytearray(data)
    for i in range(at, min(at + count, len(buf))):
        buf[i] ^= 0xFF
    return bytes(buf)


def sqlite_bytes(tmp_path: Path, name: str, sql: str, source: Path | None = None) -> bytes:
    """A SQLite file's bytes: a copy of ``source`` changed by ``sql``, or a new database."""
    path = tmp_path / name
    conn = sqlite3.connect(path)
    if source is not None:
        src = sqlite3.connect(source)
        src.backup(conn)
        src.close()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path.read_bytes()


def member(name: str, kind=tarfile.REGTYPE, linkname: str = "", data: bytes | None = b"x"):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE and data else 0
    return info, data if kind == tarfile.REGTYPE else None


# --- the live installation the drill protects -----------------------------------------------


@pytest.fixture(scope="module")
def pristine(django_db_setup, tmp_path_factory):
    """A copy of the test database (every migration, reference and demo data), its uploaded
    files and a good backup of both, made once for the module."""
    root = tmp_path_factory.mktemp("pristine")
    path = root / "yingji.sqlite3"
    src = sqlite3.connect(connection.settings_dict["NAME"])
    dst = sqlite3.connect(path)
    src.backup(dst)
    dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to copy
    src.close()
    dst.close()
    media = root / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "检查记录.txt").write_text("附件内容")
    archive = root / "good.tar.gz"
    backup({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}, media, archive)
    return SimpleNamespace(path=path, media=media, archive=archive, files=unpack(archive))


@pytest.fixture
def live(pristine, tmp_path):
    path = tmp_path / "live" / "yingji.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(pristine.path, path)
    media = tmp_path / "live" / "media"
    shutil.copytree(pristine.media, media)
    return SimpleNamespace(
        path=path,
        media=media,
        db={"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        work=tmp_path / "work",
    )


@pytest.fixture
def good(pristine, tmp_path):
    archive = tmp_path / "good.tar.gz"
    shutil.copyfile(pristine.archive, archive)
    return archive


def state(live) -> tuple:
    """What must not change when a restore is refused: the database file, the uploaded files,
    and the absence of rollback copies."""
    media = {
        p.relative_to(live.media).as_posix(): p.read_bytes()
        for p in sorted(live.media.rglob("*"))
        if p.is_file()
    }
    siblings = sorted(p.name for p in live.path.parent.iterdir())
    return file_sha256(live.path), media, siblings


def tables(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
        out["<schema>"] = sorted(
            conn.execute("SELECT type, name, sql FROM sqlite_master"), key=repr
        )
        return out
    finally:
        conn.close()


def mutate(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE orgs_organisation SET name = name || '(已改)'")
    conn.execute("DELETE FROM core_note")
    conn.execute("DELETE FROM core_auditevent")
    conn.commit()
    conn.close()


# --- every way a backup can be damaged ------------------------------------------------------


def _db(files):
    return files[DB]


DAMAGE = {
    # the database file inside the archive (manifest recomputed: the database checks refuse)
    "empty database file": (lambda f, t, live: {**f, DB: b""}, True, "为空"),
    "truncated database": (
        lambda f, t, live: {**f, DB: _db(f)[: len(_db(f)) // 2]},
        True,
        "已损坏|完整性检查",
    ),
    "damaged b-tree page": (
        lambda f, t, live: {**f, DB: flip(_db(f), 4096 * 3, 1)},
        True,
        "已损坏|完整性检查",
    ),
    "not a database": (lambda f, t, live: {**f, DB: "不是数据库".encode()}, True, "不是 SQLite"),
    "unrelated SQLite file": (
        lambda f, t, live: {
            **f,
            DB: sqlite_bytes(
                t, "other.sqlite3", "CREATE TABLE t (name text); INSERT INTO t VALUES ('x');"
            ),
        },
        True,
        "不是本平台的数据库",
    ),
    "a migration missing": (
        lambda f, t, live: {
            **f,
            DB: sqlite_bytes(
                t,
                "old.sqlite3",
                "DELETE FROM django_migrations WHERE app='core' AND name='0001_initial';",
                source=live.path,
            ),
        },
        True,
        "缺少当前版本的 1 个数据库迁移",
    ),
    # the checksums (manifest as written by backup)
    "truncated database, checksum kept": (
        lambda f, t, live: {**f, DB: _db(f)[:-4096]},
        False,
        "校验失败",
    ),
    "flipped bytes": (
        lambda f, t, live: {**f, DB: flip(_db(f), len(_db(f)) // 2)},
        False,
        "校验失败",
    ),
    "wrong checksum": (
        lambda f, t, live: {
            **f,
            "manifest.json": f["manifest.json"].replace(
                json.loads(f["manifest.json"])["files"][DB]["sha256"].encode(), b"0" * 64
            ),
        },
        False,
        "校验失败",
    ),
    "missing manifest": (
        lambda f, t, live: {k: v for k, v in f.items() if k != "manifest.json"},
        False,
        "没有清单",
    ),
    "unreadable manifest": (
        lambda f, t, live: {**f, "manifest.json": b"{not json"},
        False,
        "无法解析",
    ),
    "old manifest without checksums": (
        lambda f, t, live: {
            **f,
            "manifest.json": json.dumps(
                {"format": 1, "engine": "sqlite3", "database": DB}
            ).encode(),
        },
        False,
        "旧版本",
    ),
    "a file the manifest does not list": (
        lambda f, t, live: {**f, "media/attachments/x.txt": b"extra"},
        False,
        "未列出",
    ),
    "a listed file missing": (
        lambda f, t, live: {k: v for k, v in f.items() if not k.startswith("media/")},
        False,
        "缺失",
    ),
    "an unknown file": (lambda f, t, live: {**f, "run.sh": b"rm -rf /"}, True, "未知的文件"),
}

TRAVERSAL = {
    "../ member": member("../evil.txt"),
    "nested ../ member": member("media/../../evil.txt"),
    "absolute member": member("/tmp/yingji-evil.txt"),
    "symlink member": member("media/evil", tarfile.SYMTYPE, "/etc/passwd"),
    "hard link member": member("media/evil", tarfile.LNKTYPE, "/etc/passwd"),
    "device member": member("media/evil", tarfile.CHRTYPE),
}


def _refused(archive, live, migrations, expected):
    before = state(live)
    with pytest.raises(BackupError, match=expected):
        verify(archive, expected_migrations=migrations)
    with pytest.raises(BackupError, match=expected):
        restore(archive, live.db, live.media, expected_migrations=migrations, work_dir=live.work)
    assert state(live) == before, "a refused restore changed the live data"
    assert not list(live.work.glob("*")), "the extracted copy was not cleaned up"


@sqlite_only
@pytest.mark.parametrize("case", list(DAMAGE))
def test_it_refuses_a_damaged_backup_and_leaves_live_data_intact(
    case, live, pristine, tmp_path, migrations
):
    change, fix_manifest, expected = DAMAGE[case]
    files = change(pristine.files, tmp_path, live)
    bad = pack(tmp_path / "bad.tar.gz", files, fix_manifest=fix_manifest)
    _refused(bad, live, migrations, expected)


@sqlite_only
@pytest.mark.parametrize("case", list(TRAVERSAL))
def test_it_refuses_members_that_leave_the_archive(case, live, pristine, tmp_path, migrations):
    bad = pack(tmp_path / "bad.tar.gz", pristine.files, extra=[TRAVERSAL[case]])
    _refused(bad, live, migrations, "不安全的路径|链接|特殊文件")
    assert not list(tmp_path.rglob("evil*")) and not Path("/tmp/yingji-evil.txt").exists()


@sqlite_only
@pytest.mark.parametrize(
    "case,damage",
    [
        ("truncated archive", lambda b: b[: len(b) // 2]),
        ("flipped bytes in the archive", lambda b: flip(b, len(b) // 2, 64)),
        ("empty archive", lambda b: b""),
        ("not an archive", lambda b: "这不是备份".encode()),
    ],
)
def test_it_refuses_a_damaged_archive_file(case, damage, live, good, tmp_path, migrations):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(damage(good.read_bytes()))
    _refused(bad, live, migrations, "损坏|不完整|为空|校验失败")


@sqlite_only
def test_a_good_backup_verifies_and_restores_every_table(live, good, migrations):
    assert verify(good, expected_migrations=migrations)["engine"] == "sqlite3"
    original = tables(live.path)
    mutate(live.path)
    (live.media / "attachments" / "检查记录.txt").write_text("被改动")
    changed = tables(live.path)
    result = restore(good, live.db, live.media, expected_migrations=migrations, work_dir=live.work)
    assert tables(live.path) == original  # every table, every row, the schema
    assert (live.media / "attachments" / "检查记录.txt").read_text() == "附件内容"
    # the previous data is kept beside the live data
    assert Path(result["rollback"]).parent == live.path.parent
    assert tables(Path(result["rollback"])) == changed
    media_rollback = Path(result["media_rollback"])
    assert (media_rollback / "attachments" / "检查记录.txt").read_text() == "被改动"


# --- the commands, as an operator runs them -------------------------------------------------


def yingji(*args, live, timeout=120):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{live.path}",
        "YINGJI_MEDIA_ROOT": str(live.media),
        "YINGJI_VAR_DIR": str(live.path.parent / "var"),
    }
    return subprocess.run(
        [sys.executable, "-m", "yingji.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def events(path: Path, verb: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT message, data, source FROM core_auditevent WHERE verb = ?", [verb]
        ).fetchall()
    finally:
        conn.close()


@sqlite_only
def test_cli_verify_and_refused_restore(live, good, pristine, tmp_path):
    ok = yingji("backup", "--verify", str(good), live=live)
    assert ok.returncode == 0, ok.stderr
    assert "备份文件完好" in ok.stdout

    files = pristine.files
    bad = pack(tmp_path / "bad.tar.gz", {**files, DB: files[DB][: len(files[DB]) // 2]})
    checked = yingji("backup", "--verify", str(bad), live=live)
    assert checked.returncode == 1
    assert "备份文件校验失败" in checked.stderr and "Traceback" not in checked.stderr

    before = tables(live.path)
    refused = yingji("restore", str(bad), "--yes", live=live)
    assert refused.returncode == 1
    assert "恢复被拒绝" in refused.stderr and "Traceback" not in refused.stderr
    (event,) = events(live.path, "system.restore_refused")
    assert "完整性检查" in event[0] or "已损坏" in event[0]
    assert event[2] == "cli"
    # apart from that audit row, the live database is what it was, and no rollback copy
    after = tables(live.path)
    assert {k: v for k, v in after.items() if k != "core_auditevent"} == {
        k: v for k, v in before.items() if k != "core_auditevent"
    }
    assert len(after["core_auditevent"]) == len(before["core_auditevent"]) + 1
    assert set(before["core_auditevent"]) < set(after["core_auditevent"])
    assert not list(live.path.parent.glob("*.before-restore-*"))


@sqlite_only
def test_cli_restore_of_a_good_backup_is_audited_in_the_restored_database(live, good):
    original = tables(live.path)
    mutate(live.path)
    done = yingji("restore", str(good), "--yes", live=live)
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout and "恢复前的数据库保留为" in done.stdout
    restored = tables(live.path)
    (event,) = events(live.path, "system.restore")
    data = json.loads(event[1])
    assert data["sha256"] == file_sha256(good) and data["rollback"].endswith(
        tuple(p.name for p in live.path.parent.glob("*.before-restore-*"))
    )
    # every table as it was at backup time, plus the one audit row of the restore itself
    original_events = original.pop("core_auditevent")
    restored_events = restored.pop("core_auditevent")
    assert restored == original
    assert len(restored_events) == len(original_events) + 1
    assert set(original_events) < set(restored_events)


@sqlite_only
def test_restore_command_refusal_is_a_command_error_and_audited(live, pristine, tmp_path):
    from yingji.core.models import AuditEvent
    from yingji.geo.models import Region

    regions = Region.objects.count()
    files = pristine.files
    bad = pack(tmp_path / "bad.tar.gz", files, extra=[member("../evil.txt")])
    with pytest.raises(CommandError, match="恢复被拒绝:备份文件中含有不安全的路径"):
        call_command("yingji_restore", str(bad), "--yes", stdout=io.StringIO())
    assert Region.objects.count() == regions
    assert AuditEvent.objects.filter(verb="system.restore_refused", source="cli").exists()


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg(name=None):
    d = connection.settings_dict
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": d["HOST"] or "127.0.0.1",
        "PORT": d["PORT"] or 5432,
        "USER": d["USER"],
        "PASSWORD": d["PASSWORD"],
        "NAME": name or d["NAME"],
    }


def _pg_connect(db):
    import psycopg

    kwargs = {"host": db["HOST"], "port": db["PORT"], "dbname": db["NAME"], "autocommit": True}
    if db["USER"]:
        kwargs["user"] = db["USER"]
    if db["PASSWORD"]:
        kwargs["password"] = db["PASSWORD"]
    return psycopg.connect(**kwargs)


def pg_tables(db) -> dict[str, str]:
    """A digest of every row of every table in the public schema."""
    with _pg_connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.\"{name}\" t"
            ).fetchone()
            for name in names
        }


def pg_databases(prefix: str) -> list[str]:
    with _pg_connect(_pg("postgres")) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY 1", [prefix + "%"]
            )
        ]


def pg_drop(prefix: str) -> None:
    with _pg_connect(_pg("postgres")) as conn:
        for name in pg_databases(prefix):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@postgresql_only
def test_postgresql_restore_drill(tmp_path, migrations):
    source = _pg()
    drill_name = (source["NAME"] + "_drill")[:40]
    drill = _pg(drill_name)
    pg_drop(drill_name)
    media = tmp_path / "media"
    try:
        archive = tmp_path / "pg.tar.gz"
        backup(source, tmp_path / "no-media", archive)
        assert verify(archive, expected_migrations=migrations)["engine"] == "postgresql"

        # disaster recovery: the live database does not exist yet
        result = restore(archive, drill, media, expected_migrations=migrations)
        assert result["rollback"] is None
        assert pg_tables(drill) == pg_tables(source)

        with _pg_connect(drill) as conn:
            conn.execute("UPDATE orgs_organisation SET name = name || '(已改)'")
        changed = pg_tables(drill)
        assert changed != pg_tables(source)

        files = unpack(archive)
        dump = files["database.pgdump"]
        unrelated = tmp_path / "unrelated.pgdump"
        with _pg_connect(_pg("postgres")) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{drill_name}_other"')
            conn.execute(f'CREATE DATABASE "{drill_name}_other"')
        with _pg_connect(_pg(drill_name + "_other")) as conn:
            conn.execute("CREATE TABLE t (name text); INSERT INTO t VALUES ('x')")
        subprocess.run(
            [
                "pg_dump",
                "-h",
                drill["HOST"],
                "-p",
                str(drill["PORT"]),
                "-U",
                drill["USER"] or "postgres",
                "-Fc",
                "-f",
                str(unrelated),
                drill_name + "_other",
            ],
            check=True,
        )
        cases = {
            # the dump's data blocks are damaged; its table of contents still reads: only the
            # restore into the scratch database finds out, and the live database is untouched
            "damaged data": (
                {"database.pgdump": flip(dump, len(dump) - 2000, 200)},
                "临时数据库失败",
            ),
            "empty dump": ({"database.pgdump": b""}, "为空"),
            "not a dump": ({"database.pgdump": b"PGDMP garbage"}, "pg_restore"),
            "unrelated database": (
                {"database.pgdump": unrelated.read_bytes()},
                "不是本平台的数据库",
            ),
        }
        for case, (change, expected) in cases.items():
            bad = pack(tmp_path / "bad.tar.gz", {**files, **change})
            with pytest.raises(BackupError, match=expected):
                restore(bad, drill, media, expected_migrations=migrations)
            assert pg_tables(drill) == changed, case
            assert pg_databases(drill_name) == sorted([drill_name, drill_name + "_other"]), case

        # another session on the live database: refused, nothing renamed
        with _pg_connect(drill):
            with pytest.raises(BackupError, match="仍有 1 个连接"):
                restore(archive, drill, media, expected_migrations=migrations)
        assert pg_tables(drill) == changed

        result = restore(archive, drill, media, expected_migrations=migrations)
        assert pg_tables(drill) == pg_tables(source)
        assert result["rollback"].startswith(drill_name + "_before_restore_")
        assert pg_tables(_pg(result["rollback"])) == changed
    finally:
        pg_drop(drill_name)
