"""The 系统设置 list of national rules covers every standards module, and only real ones."""

import importlib
import pkgutil

import yingji.standards as package
from yingji.standards.catalogue import CATALOGUE, CONFIDENCE_LABELS, entries

NOT_RULES = {"catalogue"}


def test_every_standards_module_is_listed_and_every_entry_exists():
    modules = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg}
    listed = {e.module for e in CATALOGUE}
    assert modules - NOT_RULES == listed
    for name in listed:
        importlib.import_module(f"yingji.standards.{name}")


def test_confidence_is_one_of_three_and_low_rows_say_where_to_change_them():
    for e in CATALOGUE:
        assert e.source and e.parts
        for what, level, where in e.parts:
            assert level in CONFIDENCE_LABELS, (e.module, what)
            if level == "LOW":
                assert where != "—", f"{e.module}: a LOW-confidence rule must be configurable"


def test_entries_in_chinese():
    lec = next(e for e in entries() if e["module"] == "lec")
    assert lec["lowest"] == "低"
    assert [p["confidence"] for p in lec["parts"]] == ["高", "中", "低"]
