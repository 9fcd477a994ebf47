"""The CAP watched folder (yingji warnings-import-cap / the daily job): every *.xml imported
once, accepted files moved to imported/, refused ones to refused/ with their reasons; a file
the OASIS XSD refuses is refused through the API as well."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from yingji.core.jobs import run_job_inline
from yingji.warnings.jobs import import_cap_inbox
from yingji.warnings.models import Warning

from .helpers import client_for
from .test_cap_and_feed import _external, _upload

pytestmark = pytest.mark.django_db
IDENT = "62000041600000_20260702080000"


def test_the_folder_is_imported_once_and_files_moved_aside(tmp_path, capsys):
    (tmp_path / "a-alert.xml").write_bytes(_external(IDENT))
    (tmp_path / "b-resend.xml").write_bytes(_external(IDENT))  # the same message again
    (tmp_path / "c-broken.xml").write_bytes(b"<alert>")
    (tmp_path / "notes.txt").write_text("not CAP")
    (tmp_path / "link.xml").symlink_to(tmp_path / "a-alert.xml")

    call_command("warnings_import_cap", folder=str(tmp_path), user="duty")
    out = capsys.readouterr().out
    assert "导入 1 个,拒绝 2 个" in out
    assert Warning.objects.filter(external_identifier=IDENT, origin="cap").count() == 1
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["a-alert.xml"]
    refused = sorted(p.name for p in (tmp_path / "refused").iterdir())
    assert refused == ["b-resend.xml", "b-resend.xml.txt", "c-broken.xml", "c-broken.xml.txt"]
    assert "重复" in (tmp_path / "refused" / "b-resend.xml.txt").read_text(encoding="utf-8")
    assert "XML" in (tmp_path / "refused" / "c-broken.xml.txt").read_text(encoding="utf-8")
    assert (tmp_path / "notes.txt").exists() and (tmp_path / "link.xml").is_symlink()

    call_command("warnings_import_cap", folder=str(tmp_path), user="duty")
    assert "导入 0 个,拒绝 0 个" in capsys.readouterr().out  # nothing imported twice


def test_the_folder_needs_a_user_with_the_import_right(tmp_path):
    (tmp_path / "a.xml").write_bytes(_external(IDENT))
    with pytest.raises(CommandError, match="WARNINGS_CAP_INBOX_USER"):
        call_command("warnings_import_cap", folder=str(tmp_path))
    call_command("warnings_import_cap", folder=str(tmp_path), user="xigu_staff")
    reason = (tmp_path / "refused" / "a.xml.txt").read_text(encoding="utf-8")
    assert reason.strip() and not Warning.objects.filter(external_identifier=IDENT).exists()


def test_the_daily_job_reads_the_configured_folder(settings, tmp_path):
    settings.WARNINGS_CAP_INBOX = ""
    assert "未设置" in run_job_inline(import_cap_inbox)["skipped"]
    settings.WARNINGS_CAP_INBOX, settings.WARNINGS_CAP_INBOX_USER = str(tmp_path), "duty"
    (tmp_path / "a.xml").write_bytes(_external(IDENT))
    assert run_job_inline(import_cap_inbox) == {"imported": 1, "refused": 0}
    assert Warning.objects.get(external_identifier=IDENT).drafted_by.username == "duty"


def test_a_message_the_xsd_refuses_is_not_imported():
    xml = _external(IDENT).replace(b"<scope>Public</scope>", b"<scope>Public</scope><x>1</x>")
    before = Warning.objects.count()
    r = _upload(client_for("duty"), xml)
    assert r.status_code == 422 and "XSD" in r.json()["message"]
    assert Warning.objects.count() == before
