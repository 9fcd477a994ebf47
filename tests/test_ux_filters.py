"""The template helpers of issue #12: sort links that replace sort=, and plain text for users."""

from yingji.core.templatetags.yingji_rules import for_users, query_with


def test_sort_links_replace_the_sort_parameter():
    query = "q=%E5%82%A8%E7%BD%90&sort=name&sort=-name&state=open"
    out = query_with(query, sort="-code")
    assert out.count("sort=") == 1 and "sort=-code" in out
    assert "state=open" in out and "q=" in out


def test_notes_for_table_keepers_stay_off_user_pages():
    notes = [
        "依据指南从100分起扣分",
        "各项目分值与扣分标准为MEDIUM可信度(摘要§2);上线前须与指南原文核对",
    ]
    assert for_users(notes) == ["依据指南从100分起扣分"]
    assert (
        for_users("在合理可行的范围内进一步降低风险（ALARP）") == "在合理可行的范围内进一步降低风险"
    )
    assert for_users("DB37/T 2882-2016 style") == "参照DB37/T 2882-2016"
