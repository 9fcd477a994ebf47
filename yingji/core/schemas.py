"""Typed input at the edge, once per service (issue #9).

Each service's input is one schema (a ``ninja.Schema``, i.e. pydantic) in the app's
``schemas.py``. The API endpoint takes it as its body; the web view parses the POSTed form into
the same schema with :func:`parse_form`. Services receive typed values (ints, dates, lists) and
never convert strings. Invalid input gives the same field-level Chinese messages in both:
:func:`error_list` translates pydantic's errors using each field's ``title``.

Text fields use the types below: they strip, refuse control characters (a NUL byte breaks
every XLSX export) and have a length limit, so no text field takes 100,000 characters.

    class GradeIn(Input):
        level: Literal["general", "major"] = Field(title="隐患等级")
        criteria: list[int] = Field(default=[], title="判定依据")
        deadline_workdays: int | None = Field(default=None, ge=1, le=365, title="整改期限(工作日)")
        opinion: LongText = Field(default="", title="意见")
        version: Version = None
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

# C0 controls and DEL, except tab, line feed and carriage return; plus the Unicode line and
# paragraph separators and the bidi overrides that disguise text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile(r"[\r\n\t]")


def _no_control(value: str) -> str:
    if CONTROL.search(value):
        raise PydanticCustomError("control_chars", "不能包含控制字符(如 NUL、换行方向控制符)。")
    return value


def _single_line(value: str) -> str:
    value = _no_control(value)
    if LINE_BREAK.search(value):
        raise PydanticCustomError("single_line", "应为一行文字,不能换行。")
    return value


def text(max_length: int, *, multiline: bool = False):
    """A text type: stripped, no control characters, at most ``max_length`` characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(_no_control if multiline else _single_line),
    ]


Code = text(60)  # numbers, codes, short identifiers
Name = text(200)  # names, titles, places
ShortText = text(500)  # one-line remarks, reasons
LongText = text(10_000, multiline=True)  # descriptions, narratives, opinions, notes
Version = Annotated[int | None, "version"]  # the version the user edited (409 when stale)


def _no_timestamp(value):
    """pydantic reads a bare number as a Unix timestamp ("86400" → 1970-01-02); a person
    typing digits into a date field meant something else."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        raise PydanticCustomError("digit_timestamp", "日期格式应为 年-月-日(如 2026-11-30)。")
    return value


Date = Annotated[date, BeforeValidator(_no_timestamp)]
DateTime = Annotated[datetime, BeforeValidator(_no_timestamp)]


class Input(Schema):
    """Base of every input schema: unknown fields are ignored, text is stripped."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


# --- Chinese messages ---------------------------------------------------------------------

MESSAGES = {
    "missing": "必填。",
    "string_type": "应为文字。",
    "string_too_short": "至少 {min_length} 个字。",
    "string_too_long": "不能超过 {max_length} 个字。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "int_from_float": "应为整数。",
    "float_parsing": "应为数字。",
    "float_type": "应为数字。",
    "finite_number": "应为有限的数字。",
    "decimal_parsing": "应为数字。",
    "decimal_type": "应为数字。",
    "decimal_max_digits": "数字位数过多(最多 {max_digits} 位)。",
    "decimal_max_places": "最多 {decimal_places} 位小数。",
    "decimal_whole_digits": "整数部分位数过多(最多 {whole_digits} 位)。",
    "digit_timestamp": "日期格式应为 年-月-日(如 2026-11-30)。",
    "greater_than": "应大于 {gt}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than": "应小于 {lt}。",
    "less_than_equal": "不能大于 {le}。",
    "bool_parsing": "应为“是”或“否”。",
    "bool_type": "应为“是”或“否”。",
    "date_parsing": "日期格式应为 年-月-日(如 2026-11-30)。",
    "date_from_datetime_parsing": "日期格式应为 年-月-日(如 2026-11-30)。",
    "date_from_datetime_inexact": "应为日期,不含时间。",
    "date_type": "日期格式应为 年-月-日(如 2026-11-30)。",
    "datetime_parsing": "时间格式应为 年-月-日 时:分(如 2026-11-30 08:00)。",
    "datetime_from_date_parsing": "时间格式应为 年-月-日 时:分(如 2026-11-30 08:00)。",
    "datetime_type": "时间格式应为 年-月-日 时:分(如 2026-11-30 08:00)。",
    "timezone_aware": "时间须带时区(如 +08:00)。",
    "literal_error": "不是可选的值之一。",
    "enum": "不是可选的值之一。",
    "list_type": "应为列表。",
    "too_long": "最多 {max_length} 项。",
    "too_short": "至少 {min_length} 项。",
    "dict_type": "应为对象。",
    "model_type": "格式不正确。",
    "json_invalid": "不是有效的 JSON。",
    "uuid_parsing": "格式不正确。",
}


LOCATIONS = ("body", "query", "path", "form", "header", "cookie", "file")


def field_path(loc: tuple, schema: type[Schema] | None = None) -> list[str]:
    """The field names of an error location: ninja puts the location and the parameter name
    first (("body", "payload", "name")), plain pydantic only the field names."""
    names = [str(x) for x in loc]
    if len(names) > 1 and names[0] in LOCATIONS:
        names = names[1:]
        fields = schema.model_fields if schema is not None else {}
        if len(names) > 1 and names[0] not in fields:
            names = names[1:]  # the parameter's name ("payload")
    return names


def _title(schema, name: str) -> str | None:
    info = schema.model_fields.get(name) if schema is not None else None
    return info.title if info is not None and info.title else None


def _nested_schema(schema, name: str):
    """The schema of a field that holds another schema (or a list of them), if any."""
    import typing

    info = schema.model_fields.get(name) if schema is not None else None
    if info is None:
        return None
    candidates = [info.annotation, *typing.get_args(info.annotation)]
    for candidate in candidates:
        for inner in [candidate, *typing.get_args(candidate)]:
            if isinstance(inner, type) and hasattr(inner, "model_fields"):
                return inner
    return None


def _label(schema: type[Schema] | None, names: list[str]) -> str:
    """「危险化学品(第 1 项).设计最大量」 from ("chemicals", "0", "q_t") and the titles."""
    parts, current = [], schema
    i = 0
    while i < len(names):
        name = names[i]
        title = _title(current, name)
        text = title or name
        nested = _nested_schema(current, name)
        if i + 1 < len(names) and names[i + 1].isdigit():
            text += f"(第 {int(names[i + 1]) + 1} 项)"
            i += 1
        parts.append(text)
        current = nested
        i += 1
    return ".".join(parts)


def message_for(error: dict) -> str:
    kind = error.get("type", "")
    template = MESSAGES.get(kind)
    if template is None:
        msg = str(error.get("msg", ""))
        # custom errors (PydanticCustomError, ValueError in a validator) carry Chinese text
        return (
            msg.removeprefix("Value error, ").removeprefix("Assertion failed, ") or "格式不正确。"
        )
    ctx = {
        k: (f"{v:g}" if isinstance(v, float) else v) for k, v in (error.get("ctx") or {}).items()
    }
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template


def error_list(errors: list[dict], schema: type[Schema] | None = None) -> list[dict]:
    """[{"field", "label", "message"}] for pydantic/ninja errors."""
    out = []
    for error in errors:
        names = field_path(tuple(error.get("loc", ())), schema)
        out.append(
            {
                "field": ".".join(names),
                "label": _label(schema, names) or "请求",
                "message": message_for(error),
            }
        )
    return out


def summary(errors: list[dict]) -> str:
    """One sentence for a message box: 「描述:必填。整改期限:不能小于 1。」"""
    return "".join(f"{e['label']}:{e['message']}" for e in errors)


# --- web forms -------------------------------------------------------------------------------


@dataclass
class Parsed:
    data: Any = None
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def by_field(self) -> dict[str, str]:
        return {e["field"]: e["message"] for e in self.errors}


def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_list(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation) if a is not type(None))
    return origin in (list, tuple, set, frozenset)


def _is_file(annotation) -> bool:
    text = repr(annotation)
    return "UploadedFile" in text


def form_data(schema: type[Schema], post, files=None) -> dict:
    """The POSTed form as the schema's input: list fields from every value of the key, an
    empty field left out (so defaults apply and required fields say 必填), files from FILES."""
    data: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        key = info.alias or name
        annotation = info.annotation
        if _is_file(annotation):
            if files is not None:
                got = files.getlist(key)
                if got:
                    data[name] = got if _is_list(annotation) else got[0]
            continue
        if _is_list(annotation):
            values = [v for v in post.getlist(key) if v != ""]
            if values or key in post:
                data[name] = values
            continue
        value = post.get(key)
        if value is not None and value != "":
            data[name] = value
    return data


def parse_form(schema: type[Schema], request) -> Parsed:
    """Validate a web form with the service's schema (the same one the API takes)."""
    try:
        return Parsed(data=schema.model_validate(form_data(schema, request.POST, request.FILES)))
    except PydanticValidationError as exc:
        return Parsed(errors=error_list(exc.errors(), schema))


def validate(schema: type[Schema], data: dict) -> Parsed:
    """Validate plain data (an import row, a CLI option) with a service's schema."""
    try:
        return Parsed(data=schema.model_validate(data))
    except PydanticValidationError as exc:
        return Parsed(errors=error_list(exc.errors(), schema))


# --- output ----------------------------------------------------------------------------------
# Every API endpoint declares its response: a Schema (``response=HazardOut``,
# ``response={201: HazardOut}``; fields read from the model with ``Field(alias="region.code")``
# or a ``resolve_<field>`` static method, never a hand-written dict builder), or for a generated
# file ``openapi_extra=file_response("xlsx")``.


class Feature(Schema):
    type: str = "Feature"
    id: str | int | None = None
    geometry: dict | None
    properties: dict


class FeatureCollection(Schema):
    """GeoJSON for the maps (see yingji.core.hooks.MapLayer for the properties layers carry)."""

    type: str = "FeatureCollection"
    features: list[Feature]


class Message(Schema):
    """An acknowledgement without a record to return."""

    message: str


FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "xml": "application/xml",
    "zip": "application/octet-stream",
}


def file_response(kind: str, description: str = "生成的文件") -> dict:
    """``openapi_extra`` of an endpoint that returns a file instead of JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {FILE_TYPES[kind]: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# --- the core's own inputs (notes, tokens) ---------------------------------------------------


class NoteIn(Input):
    body: LongText = Field(title="备注", min_length=1)


class TokenIn(Input):
    name: text(100) = Field(default="", title="令牌名称")
    expires_at: datetime | None = Field(default=None, title="有效期至")
