"""yingji.standards.cap: levels (突发事件应对法 第六十三条), the GB/T 35965.1-2018 附录A
identifier, and CAP 1.2 messages (OASIS cap12.xsd) built, checked and read safely."""

from __future__ import annotations

import datetime as dt

import pytest

from yingji.standards import cap

BJ = cap.BEIJING
SENDER = "62010000000000"


@pytest.mark.parametrize(
    "code, label, severity",
    [
        # 第六十三条: 一级 红 (highest) … 四级 蓝
        ("red", "Ⅰ级(红色)", "Extreme"),
        ("orange", "Ⅱ级(橙色)", "Severe"),
        ("yellow", "Ⅲ级(黄色)", "Moderate"),
        ("blue", "Ⅳ级(蓝色)", "Minor"),
    ],
)
def test_levels_numeral_colour_and_severity(code, label, severity):
    assert cap.level_label(code) == label
    assert cap.levels()[code]["severity"] == severity
    assert cap.level_for_severity(severity) == code


def test_unknown_severity_has_no_level():
    assert cap.level_for_severity("Unknown") is None


@pytest.mark.parametrize(
    "parts, expected",
    [
        (("620100",), "62010000000000"),
        (("620104", "416", "001", "01"), "62010441600101"),
    ],
)
def test_sender_code(parts, expected):
    assert cap.sender_code(*parts) == expected


@pytest.mark.parametrize(
    "parts", [("62010",), ("620100", "41"), ("620100", "416", "0a0"), ("620100", "416", "000", "1")]
)
def test_sender_code_refuses_wrong_widths(parts):
    with pytest.raises(cap.CapError):
        cap.sender_code(*parts)


@pytest.mark.parametrize(
    "when, serial, expected",
    [
        (dt.datetime(2025, 9, 15, 9, 43, 7, tzinfo=BJ), 0, f"{SENDER}_20250915094307_0"),
        # UTC 01:43:07 is 09:43:07 in Beijing (附录A: entry time in Beijing time)
        (dt.datetime(2025, 9, 15, 1, 43, 7, 999, tzinfo=dt.UTC), 3, f"{SENDER}_20250915094307_3"),
        # crossing midnight
        (dt.datetime(2025, 12, 31, 16, 0, 0, tzinfo=dt.UTC), 9, f"{SENDER}_20260101000000_9"),
    ],
)
def test_identifier_form(when, serial, expected):
    ident = cap.make_identifier(SENDER, when, serial)
    assert ident == expected and len(ident) == 31
    parsed = cap.parse_identifier(ident)
    assert parsed["sender"] == SENDER and parsed["serial"] == serial
    assert parsed["time"] == when.astimezone(BJ).replace(microsecond=0)


@pytest.mark.parametrize("serial", [-1, 10, "1"])
def test_identifier_serial_is_one_digit(serial):
    with pytest.raises(cap.CapError):
        cap.make_identifier(SENDER, dt.datetime(2025, 1, 1, tzinfo=BJ), serial)


def test_identifier_needs_a_time_zone():
    with pytest.raises(cap.CapError):
        cap.make_identifier(SENDER, dt.datetime(2025, 1, 1), 0)


@pytest.mark.parametrize(
    "text, ok",
    [
        ("62000041600000_20250915094307", True),  # live CMA form without _N
        ("62000041600000_20250915094307_1", True),
        ("6200004160000_20250915094307_1", False),  # 13-digit sender
        ("62000041600000_20251315094307_1", False),  # month 13
        ("62000041600000-20250915094307-1", False),
        ("", False),
    ],
)
def test_parse_identifier(text, ok):
    if ok:
        assert cap.parse_identifier(text)["region"] == "620000"
    else:
        with pytest.raises(cap.CapError):
            cap.parse_identifier(text)


@pytest.mark.parametrize(
    "when, text",
    [
        (dt.datetime(2026, 7, 1, 8, 0, 0, 123456, tzinfo=BJ), "2026-07-01T08:00:00+08:00"),
        (dt.datetime(2026, 7, 1, 0, 0, 0, tzinfo=dt.UTC), "2026-07-01T08:00:00+08:00"),
    ],
)
def test_cap_time_is_beijing_without_fractions(when, text):
    assert cap.cap_time(when) == text
    assert cap.CAP_TIME.match(text)


def test_polygon_is_lat_lon_and_closed():
    text = cap.polygon_text([(103.1, 36.1), (103.2, 36.1), (103.2, 36.2)])
    assert text.split() == [
        "36.100000,103.100000",
        "36.100000,103.200000",
        "36.200000,103.200000",
        "36.100000,103.100000",
    ]


def _alert(**over):
    info = {
        "language": "zh-CN",
        "category": ["Met"],
        "event": "暴雨",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "eventCodes": [("GB/T 35561", "11B01")],
        "effective": "2026-07-01T08:00:00+08:00",
        "expires": "2026-07-02T08:00:00+08:00",
        "senderName": "兰州市应急管理局",
        "headline": "兰州市发布暴雨黄色预警",
        "description": "预计6小时内降雨量将达50毫米以上。",
        "instruction": "注意防范。",
        "areas": [
            {
                "areaDesc": "城关区",
                "polygons": [cap.polygon_text([(103.8, 36.0), (103.9, 36.0), (103.9, 36.1)])],
                "geocodes": [("GB/T 2260", "620102")],
            }
        ],
    }
    alert = {
        "identifier": f"{SENDER}_20260701080000_0",
        "sender": SENDER,
        "sent": "2026-07-01T08:00:00+08:00",
        "status": "Actual",
        "msgType": "Alert",
        "scope": "Public",
        "info": [info],
    }
    alert.update(over)
    return alert


def test_build_and_read_back_round_trip():
    xml = cap.build_alert(_alert())
    assert xml.startswith(b"<?xml") and b'xmlns="urn:oasis:names:tc:emergency:cap:1.2"' in xml
    back = cap.parse_alert(xml)
    assert back["identifier"] == f"{SENDER}_20260701080000_0"
    info = back["info"][0]
    assert info["language"] == "zh-CN" and info["event"] == "暴雨"
    assert info["areas"][0]["geocodes"] == [("GB/T 2260", "620102")]
    assert info["areas"][0]["polygons"][0].endswith("36.000000,103.800000")


def test_elements_come_in_the_xsd_sequence():
    xml = cap.build_alert(_alert(msgType="Update", references="a,b,2026-07-01T07:00:00+08:00"))
    text = xml.decode()
    order = ["<identifier>", "<sender>", "<sent>", "<status>", "<msgType>", "<scope>"]
    order += ["<references>", "<info>", "<language>", "<category>", "<event>", "<urgency>"]
    order += ["<severity>", "<certainty>", "<eventCode>", "<effective>", "<expires>"]
    order += ["<senderName>", "<headline>", "<description>", "<instruction>", "<area>"]
    order += ["<areaDesc>", "<polygon>", "<geocode>"]
    positions = [text.index(tag) for tag in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "over, problem",
    [
        ({"identifier": "a b"}, "identifier 不能含空格或逗号"),
        ({"sent": "2026-07-01T08:00:00Z"}, "sent 时间格式不正确"),
        ({"sent": "2026-07-01T08:00:00.5+08:00"}, "sent 时间格式不正确"),
        ({"status": "Real"}, "status 不是允许的值"),
        ({"msgType": "Cancel"}, "Cancel 消息须有 references"),
        ({"msgType": "Update"}, "Update 消息须有 references"),
        ({"scope": "Restricted"}, "须有 restriction"),
        ({"sender": ""}, "缺少 sender"),
    ],
)
def test_check_alert_refusals(over, problem):
    problems = cap.check_alert(_alert(**over))
    assert any(problem in p for p in problems), problems
    with pytest.raises(cap.CapError):
        cap.build_alert(_alert(**over))


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("severity", "Bad", "severity 不是允许的值"),
        ("certainty", "Very Likely", "certainty 不是允许的值"),  # removed after CAP 1.0
        ("category", ["Weather"], "category 不是允许的值"),
        ("event", "", "缺少 event"),
        ("expires", "2026-07-02 08:00", "expires 时间格式不正确"),
    ],
)
def test_check_info_refusals(field, value, problem):
    alert = _alert()
    alert["info"][0][field] = value
    assert any(problem in p for p in cap.check_alert(alert))


def test_safe_is_read_as_safety():
    xml = cap.build_alert(_alert()).replace(b"<category>Met", b"<category>Safe")
    assert cap.parse_alert(xml)["info"][0]["category"] == ["Safety"]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&b;</note></alert>"""


@pytest.mark.parametrize(
    "data, reason",
    [
        (XXE, "DOCTYPE"),
        (LAUGHS, "DOCTYPE"),
        (b"<!doctype alert><alert/>", "DOCTYPE"),
        (b"<alert><unclosed></alert>", "不是格式正确的 XML"),
        (b"<alert xmlns='urn:other'/>", "根元素应为"),
        ("<alert/>".encode("utf-16"), "UTF-8"),
        (b"x" * (cap.MAX_BYTES + 1), "文件过大"),
    ],
)
def test_parse_refuses_unsafe_or_invalid_xml(data, reason):
    with pytest.raises(cap.CapError) as err:
        cap.parse_alert(data)
    assert reason in str(err.value)


def test_parse_lists_every_missing_element():
    xml = b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x</identifier></alert>"
    with pytest.raises(cap.CapError) as err:
        cap.parse_alert(xml)
    assert {"缺少 sender", "缺少 sent", "缺少 status"} <= set(err.value.problems)


def test_references_text_round_trip():
    when = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BJ)
    text = cap.references([(SENDER, f"{SENDER}_20260701080000_0", when)])
    assert text == f"{SENDER},{SENDER}_20260701080000_0,2026-07-01T08:00:00+08:00"
    assert cap.parse_references(text) == [
        (SENDER, f"{SENDER}_20260701080000_0", "2026-07-01T08:00:00+08:00")
    ]


# --- the OASIS CAP 1.2 XSD (data/cap/CAP-v1.2.xsd, OASIS Standard 2010) -------------------


def test_the_shipped_xsd_is_the_oasis_cap_1_2_schema():
    text = cap.XSD_FILE.read_text(encoding="utf-8")
    assert "Copyright OASIS Open 2010" in text
    assert 'targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"' in text
    assert (cap.XSD_FILE.parent / "README.md").exists()


@pytest.mark.parametrize(
    "over",
    [
        {},
        {
            "msgType": "Update",
            "references": f"{SENDER},{SENDER}_20260701070000_0,2026-07-01T07:00:00+08:00",
        },
        {
            "msgType": "Cancel",
            "references": f"{SENDER},{SENDER}_20260701070000_0,2026-07-01T07:00:00+08:00",
        },
        {"scope": "Restricted", "restriction": "仅限内部"},
    ],
)
def test_built_messages_validate_against_the_xsd(over):
    assert cap.xsd_problems(cap.build_alert(_alert(**over))) == []


@pytest.mark.parametrize(
    "edit, problem",
    [
        # an element the XSD does not know, where the Python checks look only for known ones
        ((b"<scope>Public</scope>", b"<scope>Public</scope><bogus>x</bogus>"), "bogus"),
        # elements out of the XSD sequence
        (
            (
                b"<status>Actual</status><msgType>Alert</msgType>",
                b"<msgType>Alert</msgType><status>Actual</status>",
            ),
            "msgType",
        ),
        # a polygon that is not lat,lon pairs
        ((b"<areaDesc>", b"<circle>oops</circle><areaDesc>"), "circle"),
    ],
)
def test_xsd_refuses_what_the_python_checks_let_through(edit, problem):
    xml = cap.build_alert(_alert()).replace(*edit)
    problems = cap.xsd_problems(xml)
    assert problems and any(problem in p for p in problems), problems
    with pytest.raises(cap.CapError) as err:
        cap.parse_alert(xml)
    assert "XSD" in str(err.value)
