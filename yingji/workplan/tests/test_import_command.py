"""`yingji import-workplan FILE --dry-run --format json` against the organisations in the DB."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SEED = Path(__file__).resolve().parents[1] / "data" / "2022-lanzhou-emergency-work-points.txt"

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("import_workplan", *args, stdout=out)
    return out.getvalue()


def tasks_of(plan):
    return {t["ref"]: t for p in plan["parts"] for s in p["sections"] for t in s["tasks"]}


def test_seed_dry_run_json_resolves_names_from_the_database():
    plan = json.loads(run(str(SEED), "--dry-run", "--format", "json"))
    assert plan["title"] == "2022年全市应急管理工作要点" and plan["year"] == 2022
    assert len(plan["parts"]) == 6
    tasks = tasks_of(plan)
    assert len(tasks) == 69
    assert tasks["T3"]["lead"] == ["市安全生产监察支队", "政策法规科"]
    assert set(tasks["T3"]["cooperate"]) == {
        "危险化学品安全监督管理科",
        "矿山安全监督管理科",
        "工商贸行业安全管理科",
        "城市安全监督科",
    }
    assert [w["code"] for w in tasks["T45"]["warnings"]] == ["alias_unconfirmed"]
    assert tasks["T12"]["due"] == "2022-06-30"


def test_renamed_unit_still_resolves_through_its_alias(persona, ctx):
    from yingji.orgs.models import Organisation
    from yingji.orgs.services import do_rename_organisation

    unit = Organisation.objects.get(name="市安全生产监察支队")
    do_rename_organisation(
        actor=persona("city_admin"),
        organisation=unit,
        new_name="兰州市应急管理综合行政执法支队",
        expected_version=unit.version,
    )
    tasks = tasks_of(json.loads(run(str(SEED), "--dry-run", "--format", "json")))
    assert tasks["T1"]["lead"] == ["兰州市应急管理综合行政执法支队"]
    assert not tasks["T1"]["warnings"]


def test_docx_input_gives_the_same_structure(tmp_path):
    from docx import Document

    doc = Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    path = tmp_path / "要点.docx"
    doc.save(path)
    from_docx = json.loads(run(str(path), "--dry-run", "--format", "json"))
    from_text = json.loads(run(str(SEED), "--dry-run", "--format", "json"))
    assert from_docx == from_text


def test_map_option_resolves_the_alias_warning():
    plan = json.loads(
        run(
            str(SEED), "--dry-run", "--format", "json", "--map", "救灾和物资储备科=救灾和物资保障科"
        )
    )
    t45 = tasks_of(plan)["T45"]
    assert "救灾和物资保障科" in t45["lead"]
    assert all(w.get("level") != "warning" for w in t45["warnings"])


def test_text_summary_lists_warnings():
    out = run(str(SEED), "--dry-run")
    assert "部分 6,节 29,任务 69" in out and "[T46]" in out


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("readme.txt", "这不是工作要点。\n只是一段说明。".encode(), "未识别到工作要点结构"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("old.doc", b"\xd0\xcf\x11\xe0", ".doc"),
        ("latin.txt", b"\xff\xfe\x00\xd8\x00", ""),
    ],
)
def test_bad_input_gets_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run(str(path), "--dry-run")
    assert message in str(info.value)


def test_saving_needs_a_user():
    with pytest.raises(CommandError, match="--user"):
        run(str(SEED))


def test_saving_as_a_section_without_rights_is_refused(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("2022", "2031"), encoding="utf-8")
    with pytest.raises(CommandError, match="只有督办科室"):
        run(str(path), "--user", "whk_staff")


def test_save_keeps_import_for_review_then_confirm_applies(tmp_path):
    from yingji.workplan.models import ImportSession, Plan

    path = tmp_path / "plan.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("2022", "2031"), encoding="utf-8")
    out = run(str(path), "--user", "zhxt_staff")
    assert "导入编号" in out and "/workplan/imports/" in out
    assert not Plan.objects.filter(year=2031).exists()
    assert ImportSession.objects.filter(state="pending", parsed__year=2031).count() == 1
    out = run(
        str(path), "--user", "zhxt_staff", "--confirm", "--map", "救灾和物资储备科=救灾和物资保障科"
    )
    assert "新增任务 69" in out
    plan = Plan.objects.get(year=2031)
    assert plan.tasks.count() == 69
    out = run(
        str(path), "--user", "zhxt_staff", "--confirm", "--map", "救灾和物资储备科=救灾和物资保障科"
    )
    assert "无变化" in out


def test_missing_file():
    with pytest.raises(CommandError, match="文件不存在"):
        run("/no/such/file.txt", "--dry-run")
