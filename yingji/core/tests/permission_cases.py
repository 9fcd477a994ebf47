"""Hand-written denials for the core's models (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _changes_by_others():
    from yingji.core.models import ObjectChange

    return ObjectChange.objects.exclude(actor=_user("xigu_staff"))


def _search_index():
    from yingji.core.models import SearchGram

    return SearchGram.objects.all()


def _events_by_others():
    from yingji.core.models import AuditEvent

    return AuditEvent.objects.exclude(actor=_user("ent_user"))


def _attachments_by_others():
    from yingji.core.models import Attachment

    return Attachment.objects.exclude(uploaded_by=_user("xigu_staff"))


def _make_token():
    from yingji.core.context import actor_context
    from yingji.core.services import do_create_token

    with actor_context(_user("chengguan_staff"), source="test"):
        do_create_token(actor=_user("chengguan_staff"), name="城关区报表脚本")


def _tokens_of_chengguan():
    from yingji.core.models import APIToken

    return APIToken.objects.filter(user__username="chengguan_staff")


def _make_note():
    from yingji.core.context import actor_context
    from yingji.core.services import do_add_note
    from yingji.orgs.models import Organisation

    admin = _user("city_admin")
    with actor_context(admin, source="test"):
        do_add_note(actor=admin, target=Organisation.objects.get(name="办公室"), body="内部备注")


def _notes():
    from yingji.core.models import Note

    return Note.objects.filter(body="内部备注")


DENIALS = [
    Denial("core.SearchGram", "section", "view", _search_index, "检索索引只供检索使用,不可直接读"),
    Denial("core.ObjectChange", "county_a", "view", _changes_by_others, "他人操作的变更记录"),
    Denial("core.AuditEvent", "enterprise", "view", _events_by_others, "他人操作的审计事件"),
    Denial(
        "core.Attachment",
        "county_a",
        "view",
        _attachments_by_others,
        "不能绕过所属记录直接读他人附件",
    ),
    Denial(
        "core.APIToken", "county_a", "view", _tokens_of_chengguan, "他人的接口令牌", _make_token
    ),
    Denial("core.Note", "enterprise", "view", _notes, "不能绕过所属记录直接读备注", _make_note),
]
