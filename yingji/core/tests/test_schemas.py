"""Typed input at the edge (issue #9): one schema per service input, the same Chinese field
messages on the web and in the API, text that refuses control characters and has a limit."""

from datetime import date

import pytest
from django.http import QueryDict
from pydantic import Field

from yingji.core.schemas import Input, LongText, Name, error_list, form_data, summary, validate


class ExampleIn(Input):
    title: Name = Field(title="标题")
    body: LongText = Field(default="", title="内容")
    count: int | None = Field(default=None, ge=1, le=10, title="数量")
    tags: list[int] = Field(default=[], title="标签")
    due: date = Field(title="期限")
    urgent: bool = Field(default=False, title="紧急")
    version: int | None = None


@pytest.mark.parametrize(
    "data, label, message",
    [
        ({"due": "2026-12-01"}, "标题", "必填。"),
        ({"title": "x" * 201, "due": "2026-12-01"}, "标题", "不能超过 200 个字。"),
        ({"title": "a\x00b", "due": "2026-12-01"}, "标题", "不能包含控制字符"),
        ({"title": "两行\n标题", "due": "2026-12-01"}, "标题", "应为一行文字"),
        ({"title": "t", "due": "2026-13-01"}, "期限", "日期格式应为"),
        ({"title": "t", "due": "2026-12-01", "count": "abc"}, "数量", "应为整数。"),
        ({"title": "t", "due": "2026-12-01", "count": "11"}, "数量", "不能大于 10。"),
        ({"title": "t", "due": "2026-12-01", "count": "0"}, "数量", "不能小于 1。"),
        ({"title": "t", "due": "2026-12-01", "body": "x" * 10_001}, "内容", "不能超过 10000"),
        ({"title": "t", "due": "2026-12-01", "tags": ["1", "x"]}, "标签(第 2 项)", "应为整数"),
    ],
)
def test_each_kind_of_bad_input_gets_a_chinese_field_message(data, label, message):
    parsed = validate(ExampleIn, data)
    assert not parsed.ok
    assert parsed.errors[0]["label"] == label and message in parsed.errors[0]["message"]
    assert summary(parsed.errors).startswith(f"{label}:")


def test_multiline_text_keeps_line_breaks_and_strips():
    parsed = validate(ExampleIn, {"title": " 标题 ", "due": "2026-12-01", "body": "第一行\n第二行"})
    assert parsed.ok and parsed.data.title == "标题" and parsed.data.body == "第一行\n第二行"


def test_a_posted_form_becomes_the_same_typed_input():
    post = QueryDict(mutable=True)
    post.update({"title": "检查", "due": "2026-12-01", "count": "", "urgent": "on"})
    post.setlist("tags", ["3", "5"])
    data = form_data(ExampleIn, post)
    assert "count" not in data  # an empty field is left out: the default applies
    parsed = validate(ExampleIn, data)
    assert parsed.ok
    assert parsed.data.tags == [3, 5] and parsed.data.urgent is True
    assert parsed.data.due == date(2026, 12, 1) and parsed.data.count is None


def test_error_list_names_the_field_path():
    errors = error_list([{"type": "missing", "loc": ("body", "payload", "title")}], ExampleIn)
    assert errors == [{"field": "title", "label": "标题", "message": "必填。"}]


@pytest.mark.django_db
def test_the_api_answers_bad_input_with_the_same_chinese_field_messages(as_user):
    client = as_user("county_a")
    response = client.post("/api/v1/tokens", {"name": "x" * 101}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"]["errors"][0]["label"] == "令牌名称"
    assert "不能超过 100 个字" in body["message"]
    response = client.post("/api/v1/tokens", {"name": "ok\x00"}, content_type="application/json")
    assert response.status_code == 422 and "控制字符" in response.json()["message"]
