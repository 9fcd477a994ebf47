"""yingji backup / restore round-trip (SQLite online backup + uploaded files)."""

import shutil
import sqlite3

import pytest
from django.db import connection

from yingji.core.backup import backup, restore


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
def test_sqlite_backup_restore_round_trip(tmp_path):
    db_path = tmp_path / "live.sqlite3"
    conn = sqlite3.connect(db_path)
    conn.execute("create table t (name text)")
    conn.execute("insert into t values ('兰州')")
    conn.commit()
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.txt").write_text("附件内容")
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_path)}
    archive = tmp_path / "backup.tar.gz"
    manifest = backup(db, media, archive)
    assert manifest["engine"] == "sqlite3" and archive.exists()
    # damage the live data, then restore
    conn.execute("delete from t")
    conn.execute("insert into t values ('changed')")
    conn.commit()
    conn.close()
    (media / "attachments" / "a.txt").write_text("被改动")
    restore(archive, db, media)
    conn = sqlite3.connect(db_path)
    assert conn.execute("select name from t").fetchall() == [("兰州",)]
    conn.close()
    assert (media / "attachments" / "a.txt").read_text() == "附件内容"


def test_restore_refuses_another_engine(tmp_path):
    db_path = tmp_path / "x.sqlite3"
    sqlite3.connect(db_path).close()
    archive = tmp_path / "b.tar.gz"
    backup(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_path)}, tmp_path / "none", archive
    )
    with pytest.raises(ValueError, match="不能直接恢复"):
        restore(archive, {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}, tmp_path / "m")


@pytest.mark.skipif(
    shutil.which("pg_dump") is None or connection.vendor != "postgresql",
    reason="needs PostgreSQL and pg_dump",
)
def test_postgresql_backup_restore_round_trip(tmp_path):
    import subprocess

    settings_db = connection.settings_dict
    name = "yingji_backup_roundtrip"
    base = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": settings_db["HOST"] or "127.0.0.1",
        "PORT": settings_db["PORT"] or 5432,
        "USER": settings_db["USER"],
        "PASSWORD": settings_db["PASSWORD"],
    }
    psql = [
        "psql",
        "-h",
        base["HOST"],
        "-p",
        str(base["PORT"]),
        "-U",
        base["USER"] or "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-qc",
    ]
    subprocess.run(
        [*psql[:-1], "-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
    )
    subprocess.run([*psql[:-1], "-d", "postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    try:

        def run(sql):
            return subprocess.run(
                [*psql[:-1], "-d", name, "-tAc", sql], check=True, capture_output=True, text=True
            ).stdout.strip()

        run("create table t (name text); insert into t values ('兰州')")
        db = {**base, "NAME": name}
        archive = tmp_path / "pg.tar.gz"
        assert backup(db, tmp_path / "media", archive)["engine"] == "postgresql"
        run("delete from t; insert into t values ('changed')")
        restore(archive, db, tmp_path / "media")
        assert run("select name from t") == "兰州"
    finally:
        # the restore keeps the replaced database as {name}_before_restore_<time>
        left = subprocess.run(
            [
                *psql[:-1],
                "-d",
                "postgres",
                "-tAc",
                f"SELECT datname FROM pg_database WHERE datname LIKE '{name}%'",
            ],
            capture_output=True,
            text=True,
        ).stdout.split()
        for db_name in left:
            subprocess.run(
                [*psql[:-1], "-d", "postgres", "-qc", f'DROP DATABASE IF EXISTS "{db_name}"'],
                check=False,
            )


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_job_as_job(reference_data):
    """`yingji worker --batch` picks up an enqueued job; its writes are audited as 'job'."""
    from django.core.management import call_command

    from yingji.core.models import ObjectChange
    from yingji.geo.jobs import refresh_region_centroids
    from yingji.geo.models import Region

    Region.objects.filter(code="620105").update(centroid_lon=None, centroid_lat=None)
    result = refresh_region_centroids.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=open("/dev/null", "w"))
    result.refresh()
    assert result.status.name == "SUCCESSFUL" and result.return_value == 1
    region = Region.objects.get(code="620105")
    assert region.centroid_lon is not None
    change = ObjectChange.objects.filter(
        content_type__model="region", object_id=str(region.pk)
    ).first()
    assert change.source == "job"
