"""预警信息 as data: warning levels and colours, the GB/T 35965.1 identifier, and OASIS CAP 1.2
messages built and read as plain dicts (no Django, nothing of the project).

Sources (standards-digest.md):
- §5.1 (HIGH): 《中华人民共和国突发事件应对法》(2024修订) 第六十三条 — 预警级别 一级、二级、三级、
  四级, 标示 红、橙、黄、蓝, 一级最高. So Ⅰ=红, Ⅱ=橙, Ⅲ=黄, Ⅳ=蓝.
- §6.1 (MEDIUM): GB/T 35965.1-2018 附录A — 预警信息唯一标识 ``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N``:
  ZZZZZZ the GB/T 2260 code of the issuing unit, DDD its agency code (GB/T 4657), UUU a
  sub-unit code (default 000), XX an extension (default 00); then the entry time in Beijing
  time; N a serial 0–9 for messages of the same unit in the same second. Live CMA identifiers
  (e.g. ``62000041600000_20250915094307``) omit ``_N``: accepted on input.
- §6.2 (HIGH): OASIS CAP 1.2 (``cap12.xsd``, namespace urn:oasis:names:tc:emergency:cap:1.2):
  the required elements and code lists below; ``sent`` etc. as ``YYYY-MM-DDThh:mm:ss+08:00``
  (no Z, no fractions); ``references`` as space-separated ``sender,identifier,sent``; area
  ``polygon`` as ``lat,lon`` pairs in a closed ring; ``geocode`` valueName/value (GB/T 2260).
- The OASIS CAP 1.2 XML Schema itself is shipped as ``data/cap/CAP-v1.2.xsd`` (source and
  licence in ``data/cap/README.md``): :func:`xsd_problems` validates with lxml against it,
  outbound (:func:`build_alert`) and inbound (:func:`parse_alert`), besides the checks below.
- The colour → CAP severity/urgency/certainty mapping is data (data/cap_profile.json):
  severity MEDIUM (common practice), urgency/certainty LOW (this platform's defaults).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

NS = "urn:oasis:names:tc:emergency:cap:1.2"
BEIJING = dt.timezone(dt.timedelta(hours=8))
DATA = Path(__file__).resolve().parent / "data" / "cap_profile.json"

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")
IDENTIFIER = re.compile(r"^(?P<sender>\d{6}\d{3}\d{3}\d{2})_(?P<time>\d{14})(?:_(?P<serial>\d))?$")
SENDER_PARTS = (("region", 6), ("agency", 3), ("unit", 3), ("ext", 2))


class CapError(ValueError):
    """A CAP message or identifier that breaks the rules; ``problems`` lists each reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- levels -------------------------------------------------------------------------------


@cache
def levels() -> dict[str, dict]:
    """code (red/orange/yellow/blue) → {numeral, grade, colour, severity, urgency, certainty}."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["levels"]
    return {row["code"]: row for row in rows}


LEVEL_CODES = ("red", "orange", "yellow", "blue")  # highest first (Art. 63: 一级最高)


def level_label(code: str) -> str:
    """``Ⅲ级(黄色)`` — the numeral and the colour, never the colour alone."""
    row = levels()[code]
    return f"{row['numeral']}级({row['colour']})"


def level_for_severity(severity: str) -> str | None:
    """The level whose CAP severity this is (for imported messages); None for Unknown."""
    for code, row in levels().items():
        if row["severity"] == severity:
            return code
    return None


# --- GB/T 35965.1 identifier --------------------------------------------------------------


def sender_code(region: str, agency: str = "000", unit: str = "000", ext: str = "00") -> str:
    """ZZZZZZDDDUUUXX: the 14-digit issuing-unit code."""
    problems = []
    for (name, width), value in zip(SENDER_PARTS, (region, agency, unit, ext), strict=True):
        if not (isinstance(value, str) and len(value) == width and value.isdigit()):
            problems.append(f"{name} 应为 {width} 位数字(得到 {value!r})")
    if problems:
        raise CapError(problems)
    return f"{region}{agency}{unit}{ext}"


def to_beijing(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise CapError(["时间须带时区"])
    return when.astimezone(BEIJING).replace(microsecond=0)


def make_identifier(sender: str, when: dt.datetime, serial: int = 0) -> str:
    """``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` (entry time in Beijing time, N 0–9)."""
    if not (isinstance(serial, int) and 0 <= serial <= 9):
        raise CapError([f"序号应为 0–9(得到 {serial!r})"])
    if not re.fullmatch(r"\d{14}", sender or ""):
        raise CapError([f"发布单位代码应为 14 位数字(得到 {sender!r})"])
    return f"{sender}_{to_beijing(when):%Y%m%d%H%M%S}_{serial}"


def parse_identifier(identifier: str) -> dict:
    """The parts of an identifier: sender (and its four parts), time (Beijing), serial."""
    m = IDENTIFIER.match(identifier or "")
    if m is None:
        raise CapError([f"标识“{identifier}”不符合 ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N"])
    try:
        when = dt.datetime.strptime(m["time"], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError as exc:
        raise CapError([f"标识中的时间“{m['time']}”不是有效的日期时间"]) from exc
    sender = m["sender"]
    parts, at = {}, 0
    for name, width in SENDER_PARTS:
        parts[name] = sender[at : at + width]
        at += width
    serial = int(m["serial"]) if m["serial"] is not None else None
    return {"sender": sender, **parts, "time": when, "serial": serial}


def cap_time(when: dt.datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+08:00`` (CAP's dateTime: no Z, no fractional seconds)."""
    return to_beijing(when).isoformat()


def parse_cap_time(text: str) -> dt.datetime:
    if not CAP_TIME.match(text or ""):
        raise CapError([f"时间“{text}”应为 YYYY-MM-DDThh:mm:ss+08:00 的形式"])
    return dt.datetime.fromisoformat(text)


def references(messages: list[tuple[str, str, dt.datetime]]) -> str:
    """CAP ``references``: ``sender,identifier,sent`` entries, space-separated."""
    return " ".join(f"{s},{i},{cap_time(t)}" for s, i, t in messages)


def polygon_text(ring: list[tuple[float, float]]) -> str:
    """A GeoJSON-order ring ((lon, lat), …) as CAP's ``lat,lon`` pairs, closed."""
    points = list(ring)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in points)


# --- checking a message (the XSD's rules that matter, as a pure function) ------------------

REQUIRED_ALERT = ("identifier", "sender", "sent", "status", "msgType", "scope")
REQUIRED_INFO = ("category", "event", "urgency", "severity", "certainty")
ENUMS = {
    "status": STATUSES,
    "msgType": MSG_TYPES,
    "scope": SCOPES,
    "urgency": URGENCIES,
    "severity": SEVERITIES,
    "certainty": CERTAINTIES,
}


def _check_info(n: int, info: dict) -> list[str]:
    problems = [f"info[{n}] 缺少 {name}" for name in REQUIRED_INFO if not info.get(name)]
    for name in ("urgency", "severity", "certainty"):
        if info.get(name) and info[name] not in ENUMS[name]:
            problems.append(f"info[{n}].{name} 不是允许的值:{info[name]}")
    for cat in info.get("category") or []:
        if cat not in CATEGORIES:
            problems.append(f"info[{n}].category 不是允许的值:{cat}")
    for rt in info.get("responseType") or []:
        if rt not in RESPONSE_TYPES:
            problems.append(f"info[{n}].responseType 不是允许的值:{rt}")
    for name in ("effective", "onset", "expires"):
        if info.get(name) and not CAP_TIME.match(info[name]):
            problems.append(f"info[{n}].{name} 时间格式不正确:{info[name]}")
    for a, area in enumerate(info.get("areas") or []):
        if not area.get("areaDesc"):
            problems.append(f"info[{n}].area[{a}] 缺少 areaDesc")
        for poly in area.get("polygons") or []:
            pairs = poly.split()
            if len(pairs) < 4 or pairs[0] != pairs[-1]:
                problems.append(f"info[{n}].area[{a}].polygon 应为至少 4 个点的闭合环")
    return problems


def check_alert(alert: dict) -> list[str]:
    """Every reason the message breaks CAP 1.2 (empty when it is fine)."""
    problems = [f"缺少 {name}" for name in REQUIRED_ALERT if not alert.get(name)]
    for name in ("status", "msgType", "scope"):
        if alert.get(name) and alert[name] not in ENUMS[name]:
            problems.append(f"{name} 不是允许的值:{alert[name]}")
    ident = alert.get("identifier") or ""
    if re.search(r"[\s,]", ident):
        problems.append("identifier 不能含空格或逗号")
    if alert.get("sent") and not CAP_TIME.match(alert["sent"]):
        problems.append(f"sent 时间格式不正确:{alert['sent']}")
    if alert.get("msgType") in ("Update", "Cancel") and not alert.get("references"):
        problems.append(f"{alert['msgType']} 消息须有 references")
    if alert.get("scope") == "Restricted" and not alert.get("restriction"):
        problems.append("scope 为 Restricted 时须有 restriction")
    for n, info in enumerate(alert.get("info") or []):
        problems.extend(_check_info(n, info))
    return problems


# --- building XML -------------------------------------------------------------------------

ALERT_ORDER = (
    "identifier",
    "sender",
    "sent",
    "status",
    "msgType",
    "source",
    "scope",
    "restriction",
    "addresses",
    "note",
    "references",
    "incidents",
)
INFO_HEAD = ("language",)
INFO_AFTER_CATEGORY = ("event",)
INFO_AFTER_RESPONSE = ("urgency", "severity", "certainty", "audience")
INFO_AFTER_CODES = (
    "effective",
    "onset",
    "expires",
    "senderName",
    "headline",
    "description",
    "instruction",
    "web",
    "contact",
)


def _sub(parent, name: str, text) -> None:
    if text not in (None, ""):
        ET.SubElement(parent, f"{{{NS}}}{name}").text = str(text)


def _named_values(parent, tag: str, pairs) -> None:
    for name, value in pairs or []:
        el = ET.SubElement(parent, f"{{{NS}}}{tag}")
        _sub(el, "valueName", name)
        _sub(el, "value", value)


def _info(root, info: dict) -> None:
    el = ET.SubElement(root, f"{{{NS}}}info")
    for name in INFO_HEAD:
        _sub(el, name, info.get(name))
    for cat in info.get("category") or []:
        _sub(el, "category", cat)
    for name in INFO_AFTER_CATEGORY:
        _sub(el, name, info.get(name))
    for rt in info.get("responseType") or []:
        _sub(el, "responseType", rt)
    for name in INFO_AFTER_RESPONSE:
        _sub(el, name, info.get(name))
    _named_values(el, "eventCode", info.get("eventCodes"))
    for name in INFO_AFTER_CODES:
        _sub(el, name, info.get(name))
    _named_values(el, "parameter", info.get("parameters"))
    for area in info.get("areas") or []:
        a = ET.SubElement(el, f"{{{NS}}}area")
        _sub(a, "areaDesc", area.get("areaDesc"))
        for poly in area.get("polygons") or []:
            _sub(a, "polygon", poly)
        _named_values(a, "geocode", area.get("geocodes"))


def build_alert(alert: dict) -> bytes:
    """The CAP 1.2 XML (UTF-8) of a message given as a dict; refuses a message that
    :func:`check_alert` finds fault with."""
    problems = check_alert(alert)
    if problems:
        raise CapError(problems)
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}alert")
    for name in ALERT_ORDER:
        _sub(root, name, alert.get(name))
    for info in alert.get("info") or []:
        _info(root, info)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    problems = xsd_problems(data)
    if problems:
        raise CapError(problems)
    return data


# --- the OASIS XSD ------------------------------------------------------------------------

XSD_FILE = Path(__file__).resolve().parent / "data" / "cap" / "CAP-v1.2.xsd"


@cache
def _schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(XSD_FILE), _lxml_parser()))


def _lxml_parser():
    from lxml import etree

    # nothing loaded from anywhere: no DTD, no entities, no network, no huge trees
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )


def xsd_problems(data: bytes, *, read_safe_as_safety: bool = False) -> list[str]:
    """Why ``data`` does not validate against the OASIS CAP 1.2 XSD (empty when it does).
    Call it on untrusted input only after :func:`_safe_root` has accepted it. With
    ``read_safe_as_safety`` the category ``Safe`` (seen in live feeds) counts as ``Safety``."""
    from lxml import etree

    try:
        doc = etree.fromstring(bytes(data), _lxml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"不是格式正确的 XML:{exc}"]
    if read_safe_as_safety:
        for el in doc.iter(f"{{{NS}}}category"):
            if (el.text or "").strip() == "Safe":
                el.text = "Safety"
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"不符合 OASIS CAP 1.2 XSD(第 {e.line} 行):{e.message}" for e in schema.error_log][:20]


# --- reading XML (untrusted input) --------------------------------------------------------

MAX_BYTES = 1_000_000
DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _safe_root(data: bytes):
    """Parse untrusted XML: no DTD, no entities (XXE, billion laughs), no external anything."""
    if not isinstance(data, bytes | bytearray):
        raise CapError(["内容应为 XML 字节串"])
    if len(data) > MAX_BYTES:
        raise CapError([f"文件过大(超过 {MAX_BYTES // 1000} KB)"])
    # refused before any parser sees it (UTF-16 input is refused below as not UTF-8)
    if DOCTYPE.search(bytes(data)):
        raise CapError(["不接受含 DOCTYPE 或实体声明的 XML(可能是 XXE 攻击)"])
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CapError(["XML 应为 UTF-8 编码"]) from exc
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(bytes(data), forbid_dtd=True, forbid_entities=True)
    except ET.ParseError as exc:
        raise CapError([f"不是格式正确的 XML:{exc}"]) from exc
    except DefusedXmlException as exc:
        raise CapError([f"XML 被拒绝:{type(exc).__name__}"]) from exc


def _text(el, name: str) -> str:
    child = el.find(f"{{{NS}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def _texts(el, name: str) -> list[str]:
    return [(c.text or "").strip() for c in el.findall(f"{{{NS}}}{name}")]


def _pairs(el, name: str) -> list[tuple[str, str]]:
    return [(_text(c, "valueName"), _text(c, "value")) for c in el.findall(f"{{{NS}}}{name}")]


def parse_alert(data: bytes) -> dict:
    """A CAP 1.2 message as the dict :func:`build_alert` takes; ``Safe`` (seen in feeds) is
    read as ``Safety``. Raises CapError with every reason it is refused."""
    root = _safe_root(data)
    if root.tag != f"{{{NS}}}alert":
        raise CapError([f"根元素应为 CAP 1.2 的 alert(命名空间 {NS}),得到 {root.tag}"])
    alert = {name: _text(root, name) for name in ALERT_ORDER}
    alert["info"] = []
    for info_el in root.findall(f"{{{NS}}}info"):
        info = {name: _text(info_el, name) for name in (*INFO_HEAD, *INFO_AFTER_CATEGORY)}
        info.update({name: _text(info_el, name) for name in INFO_AFTER_RESPONSE})
        info.update({name: _text(info_el, name) for name in INFO_AFTER_CODES})
        info["category"] = ["Safety" if c == "Safe" else c for c in _texts(info_el, "category")]
        info["responseType"] = _texts(info_el, "responseType")
        info["eventCodes"] = _pairs(info_el, "eventCode")
        info["parameters"] = _pairs(info_el, "parameter")
        info["areas"] = [
            {
                "areaDesc": _text(a, "areaDesc"),
                "polygons": _texts(a, "polygon"),
                "geocodes": _pairs(a, "geocode"),
            }
            for a in info_el.findall(f"{{{NS}}}area")
        ]
        alert["info"].append(info)
    problems = check_alert(alert) or xsd_problems(bytes(data), read_safe_as_safety=True)
    if problems:
        raise CapError(problems)
    return alert


def parse_references(text: str) -> list[tuple[str, str, str]]:
    """``sender,identifier,sent`` entries of a references element."""
    out = []
    for entry in (text or "").split():
        parts = entry.split(",")
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
    return out
