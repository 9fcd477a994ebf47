"""Typed input of the calendar service (one schema for the page and the API)."""

from __future__ import annotations

from pydantic import Field, model_validator

from yingji.core.schemas import Date, Input, Name, text


class HolidayIn(Input):
    name: text(20) = Field(title="节日")
    start: Date = Field(title="放假开始")
    end: Date = Field(title="放假结束")

    @model_validator(mode="after")
    def _order(self):
        if self.end < self.start:
            raise ValueError("放假结束不能早于开始。")
        if (self.end - self.start).days > 14:
            raise ValueError("一次放假不超过15天,请检查日期。")
        return self


class HolidayScheduleIn(Input):
    year: int = Field(ge=2000, le=2100, title="年度")
    source: Name = Field(min_length=4, title="依据(通知文号)")
    holidays: list[HolidayIn] = Field(min_length=1, max_length=20, title="放假安排")
    workdays: list[Date] = Field(default=[], max_length=20, title="调休上班日")
    version: int | None = None

    @model_validator(mode="after")
    def _same_year(self):
        dates = [h.start for h in self.holidays] + list(self.workdays)
        if any(abs(d.year - self.year) > 1 for d in dates):
            raise ValueError("日期应在所录入年度内(跨年假期可含前后相邻年份)。")
        return self
