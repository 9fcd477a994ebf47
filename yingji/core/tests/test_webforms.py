"""run_service: the success message can depend on what the service returned; a refusal shows
its reason and returns None."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage

from yingji.core.errors import ValidationFailed
from yingji.core.webforms import run_service


def _request(rf):
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_success_message_from_the_result(rf):
    request = _request(rf)
    result = run_service(request, lambda: 7, lambda n: f"已导入 {n} 条。")
    assert result == 7
    assert [m.message for m in get_messages(request)] == ["已导入 7 条。"]


def test_refusal_shows_the_reason_and_no_success(rf):
    request = _request(rf)

    def refuse():
        raise ValidationFailed("状态已改变,请刷新。")

    assert run_service(request, refuse, lambda n: "不应出现") is None
    assert [m.message for m in get_messages(request)] == ["状态已改变,请刷新。"]


def test_nothing_returned_is_true_and_plain_message(rf):
    request = _request(rf)
    assert run_service(request, lambda: None, "已保存。") is True
    assert [m.message for m in get_messages(request)] == ["已保存。"]
