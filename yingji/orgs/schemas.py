"""Typed input of the organisation services (shared by the pages and the API)."""

from pydantic import Field

from yingji.core.schemas import Input, Name


class RenameIn(Input):
    name: Name = Field(title="新名称")
    version: int = Field(title="版本")
