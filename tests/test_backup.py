"""yingji backup / restore round-trip (SQLite online backup + uploaded files)."""

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
