"""The release channels of 预警信息, as plug-ins behind one interface.

A channel knows whether it is configured (its settings, docs/configuration.md), which delivery
rows a release makes (one per recipient organisation or user, or one for a group robot /
broadcast topic) and how to send one batch of them. It never raises: every attempt comes back
as (ok, detail) and the job (services.do_send_deliveries) logs it, retries it with back-off and
finally marks it failed. A channel without its settings makes rows marked 未配置 — recorded, not
"sent".

Channels (code → label):

- ``platform`` 平台站内: the in-app notice (预警签收 page, dashboard card); delivered at once.
- ``wecom`` 企业微信群机器人 / ``dingtalk`` 钉钉群机器人: HTTP POST of a markdown message (JSON)
  to each configured robot webhook URL; DingTalk's 加签 (HMAC-SHA256 of timestamp and secret)
  when a secret is set. A reply other than HTTP 2xx with ``errcode`` 0 is a failure.
- ``email`` 电子邮件: Django's e-mail backend (SMTP host/port from settings), one message per
  active member (with an e-mail address) of each recipient organisation, with a personal
  acknowledgement link; one SMTP connection per batch.
- ``sms`` 短信网关: HTTP POST per person to the gateway URL, body from a configurable template
  (placeholders ``{recipient}`` = the mobile number, ``{recipient_name}``, ``{org_code}``,
  ``{text}``, ``{identifier}``, ``{link}`` = that person's 签收 link): every active member of a
  recipient organisation with an active number (ContactPhone), and the 灾害信息员 (disasters)
  on post in the affected regions (their own number; no 签收 link: they do not sign for an
  organisation). A member without a number, or an organisation without members, gets a row
  无手机号 — recorded, not sent.
- ``mqtt`` 应急广播(MQTT): the broadcast terminals' payload (identifier, level, area codes, text
  for TTS), QoS 1, retained, on ``yingji/warnings/<identifier>`` (yingji.warnings.mqtt).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

# --- what a channel sends ------------------------------------------------------------------


@dataclass
class Target:
    """One delivery row a release makes: shown recipient, address, and whom it is for."""

    recipient: str
    address: str = ""
    organisation_id: int | None = None
    user_id: int | None = None
    unsendable: str = ""  # why this row cannot be sent (无手机号): recorded, never sent


@dataclass
class Message:
    """The text of one warning message, the same on every channel."""

    identifier: str
    msg_type: str
    level: str
    level_label: str
    event: str
    headline: str
    description: str
    instruction: str
    areas: list[str]
    area_names: str
    expires: str
    detail_url: str
    payload: dict = field(default_factory=dict)  # the broadcast terminals' payload

    @property
    def title(self) -> str:
        prefix = "【解除】" if self.msg_type == "Cancel" else "【预警】"
        return f"{prefix}{self.headline}"

    def text(self, link: str = "") -> str:
        parts = [
            self.title,
            f"级别:{self.level_label};区域:{self.area_names};有效期至 {self.expires}。",
            self.description,
        ]
        if self.instruction and self.msg_type != "Cancel":
            parts.append(f"防御指南:{self.instruction}")
        if link:
            parts.append(f"签收/报告落实:{link}")
        return "\n".join(parts)

    def markdown(self) -> str:
        lines = [
            f"### {self.title}",
            f"> 级别:**{self.level_label}**  区域:{self.area_names}",
            f"> 有效期至:{self.expires}  标识:{self.identifier}",
            "",
            self.description,
        ]
        if self.instruction and self.msg_type != "Cancel":
            lines += ["", f"**防御指南**:{self.instruction}"]
        lines += ["", f"[在平台查看]({self.detail_url})"]
        return "\n".join(lines)


def base_url() -> str:
    return getattr(settings, "YINGJI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def ack_link(ack_id: int, user_id: int | None = None) -> str:
    from .acklinks import make_token

    return base_url() + reverse("warnings:ack_link", args=[make_token(ack_id, user_id)])


# --- the interface -------------------------------------------------------------------------


class Channel(ABC):
    """A channel sends one row with ``send``; one that sends a batch at once (e-mail over one
    connection) also overrides ``send_batch``."""

    code = ""
    label = ""
    setting = ""  # the setting that configures it (shown on 未配置)
    per_recipient = True  # one row per recipient; False: one row per robot/topic

    def configured(self) -> bool:
        return True

    def targets(self, warning, orgs, resend: bool = False) -> list[Target]:
        """The rows of a release (``resend``: a 重发 to the silent organisations ``orgs``)."""
        return [Target(o.name, o.code, organisation_id=o.pk) for o in orgs]

    def send_batch(self, message: Message, rows) -> dict[int, tuple[bool, str]]:
        """Send ``rows`` (Delivery objects); {delivery id: (ok, detail)}. Never raises."""
        return {row.pk: self.send(message, row) for row in rows}

    @abstractmethod
    def send(self, message: Message, row) -> tuple[bool, str]:
        """Send one Delivery row: (ok, detail). Never raises."""


REGISTRY: dict[str, Channel] = {}


def register(cls):
    REGISTRY[cls.code] = cls()
    return cls


def get(code: str) -> Channel | None:
    return REGISTRY.get(code)


def choices() -> list[dict]:
    """The channels with their state, for the release form and docs."""
    return [
        {"code": c.code, "label": c.label, "configured": c.configured(), "setting": c.setting}
        for c in REGISTRY.values()
    ]


# --- HTTP ----------------------------------------------------------------------------------


def _timeout() -> float:
    return float(getattr(settings, "WARNINGS_HTTP_TIMEOUT", 5))


# no proxy: the endpoints are on the intranet, and a proxy from the environment must not
# carry a warning elsewhere
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[bool, str]:
    """POST ``body`` to ``url``; (ok, detail). ok is an HTTP 2xx whose JSON reply, if any, has
    no non-zero ``errcode`` (企业微信, 钉钉) nor ``code``/``success`` saying otherwise."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc
    if parts.scheme not in ("http", "https") or not host:
        return False, "地址无效:只接受 http:// 或 https:// 地址"
    request = urllib.request.Request(  # noqa: S310 — scheme checked above
        url, data=body, method="POST", headers={"Content-Type": f"{content_type}; charset=utf-8"}
    )
    try:
        with _OPENER.open(request, timeout=_timeout()) as response:
            status, reply = response.status, response.read(2000)
    except urllib.error.HTTPError as exc:
        return False, f"{host} 返回 HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"无法连接 {host}:{reason}"[:300]
    try:
        data = json.loads(reply or b"{}")
    except ValueError:
        data = {}
    if isinstance(data, dict):
        if data.get("errcode", 0) not in (0, "0"):
            return False, f"{host} 拒绝:errcode {data.get('errcode')} {data.get('errmsg', '')}"[
                :300
            ]
        if data.get("success") is False:
            return False, f"{host} 拒绝:{data.get('message') or data.get('msg') or ''}"[:300]
    return True, f"{host} 已接收(HTTP {status})"


def _urls(name: str) -> list[str]:
    value = getattr(settings, name, "") or ""
    items = value if isinstance(value, list | tuple) else value.split(",")
    return [u.strip() for u in items if u.strip()]


def _shown(url: str) -> str:
    """A robot URL without its key (the access token is a secret)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:200]


# --- the channels --------------------------------------------------------------------------


@register
class PlatformChannel(Channel):
    code, label = "platform", "平台站内"

    def send(self, message, row):
        return True, "站内待签收"


class RobotChannel(Channel):
    per_recipient = False

    def configured(self) -> bool:
        return bool(_urls(self.setting))

    def targets(self, warning, orgs, resend=False):
        urls = _urls(self.setting) or [""]
        return [Target(f"{self.label}:{_shown(u)}" if u else self.label, u) for u in urls]


@register
class WecomChannel(RobotChannel):
    code, label, setting = "wecom", "企业微信群机器人", "WARNINGS_WECOM_WEBHOOKS"

    def send(self, message, row):
        body = {"msgtype": "markdown", "markdown": {"content": message.markdown()}}
        return post(row.address, json.dumps(body, ensure_ascii=False).encode("utf-8"))


@register
class DingtalkChannel(RobotChannel):
    code, label, setting = "dingtalk", "钉钉群机器人", "WARNINGS_DINGTALK_WEBHOOKS"

    def signed(self, url: str) -> str:
        """钉钉 加签: timestamp (ms) and base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
        secret = getattr(settings, "WARNINGS_DINGTALK_SECRET", "")
        if not secret:
            return url
        stamp = str(round(time.time() * 1000))
        digest = hmac.new(
            secret.encode("utf-8"), f"{stamp}\n{secret}".encode(), hashlib.sha256
        ).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"

    def send(self, message, row):
        body = {
            "msgtype": "markdown",
            "markdown": {"title": message.title[:60], "text": message.markdown()},
        }
        return post(self.signed(row.address), json.dumps(body, ensure_ascii=False).encode())


@register
class EmailChannel(Channel):
    code, label, setting = "email", "电子邮件", "EMAIL_HOST"

    def configured(self) -> bool:
        return bool(getattr(settings, "EMAIL_HOST", ""))

    def targets(self, warning, orgs, resend=False):
        from yingji.orgs.models import Membership

        by_org = {o.pk: o for o in orgs}
        rows = (
            Membership.objects.filter(
                organisation_id__in=list(by_org),
                is_active=True,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("organisation_id", "user_id", "user__email")
            .order_by("organisation_id", "user_id")
        )
        seen, out = set(), []
        for org_id, user_id, email in rows:
            if (org_id, user_id) in seen:
                continue
            seen.add((org_id, user_id))
            out.append(Target(f"{by_org[org_id].name} {email}"[:200], email, org_id, user_id))
        return out

    def send(self, message, row):
        return self.send_batch(message, [row])[row.pk]

    def send_batch(self, message, rows):
        from yingji.core.mail import send_each

        mails = [
            (
                row.pk,
                message.title[:150],
                message.text(ack_link(row.ack_id, row.user_id) if row.ack_id else ""),
                row.address,
            )
            for row in rows
        ]
        try:
            results = send_each(mails, timeout=_timeout())
        except OSError as exc:
            detail = f"无法连接邮件服务器 {settings.EMAIL_HOST}:{settings.EMAIL_PORT}:{exc}"
            return {row.pk: (False, detail[:300]) for row in rows}
        return {
            pk: (True, f"已投递到邮件服务器 {settings.EMAIL_HOST}")
            if exc is None
            else (False, f"邮件发送失败:{exc.__class__.__name__} {exc}"[:300])
            for pk, exc in results.items()
        }


@register
class SmsChannel(Channel):
    code, label, setting = "sms", "短信网关", "WARNINGS_SMS_URL"

    def configured(self) -> bool:
        return bool(getattr(settings, "WARNINGS_SMS_URL", ""))

    def targets(self, warning, orgs, resend: bool = False):
        """One row per person: the members of each organisation (with a number: to send;
        without: 无手机号), an organisation without active members: one 无手机号 row; then
        (not on a 重发, which goes to the silent organisations) the 灾害信息员 of the area."""
        from yingji.orgs.models import Membership

        by_org = {o.pk: o for o in orgs}
        members: dict[int, list[tuple[int, str, str]]] = {}
        ids = list(by_org)
        for start in range(0, len(ids), 500):
            rows = (
                Membership.objects.filter(
                    organisation_id__in=ids[start : start + 500],
                    is_active=True,
                    user__is_active=True,
                )
                .values_list(
                    "organisation_id",
                    "user_id",
                    "user__first_name",
                    "user__username",
                    "user__warning_phone__phone",
                    "user__warning_phone__active",
                )
                .order_by("organisation_id", "user_id")
            )
            for org_id, user_id, full_name, username, phone, active in rows:
                people = members.setdefault(org_id, [])
                if any(p[0] == user_id for p in people):
                    continue
                people.append((user_id, full_name or username, phone if active else ""))
        out = []
        for org in orgs:
            people = members.get(org.pk)
            if not people:
                out.append(
                    Target(
                        org.name, "", org.pk, unsendable="无手机号:该单位没有在册人员,未发送短信"
                    )
                )
                continue
            for user_id, name, phone in people:
                shown = f"{org.name} {name}"[:200]
                if phone:
                    out.append(Target(shown, phone, org.pk, user_id))
                else:
                    out.append(
                        Target(
                            shown,
                            "",
                            org.pk,
                            user_id,
                            unsendable="无手机号:未登记手机号,未发送短信",
                        )
                    )
        if not resend:
            out += officer_targets(warning)
        return out

    def body(self, message, row) -> bytes:
        template = sms_template()
        link = ack_link(row.ack_id, row.user_id) if row.ack_id else ""
        return sms_body(
            {
                "recipient": row.address,
                "recipient_name": row.recipient,
                # only when the template asks for it: one query per row otherwise (10,000 SMS)
                "org_code": row.organisation.code
                if row.organisation_id and "{org_code}" in template
                else "",
                "identifier": message.identifier,
                "text": message.text(link)[:500],
                "link": link,
            }
        )

    def send(self, message, row):
        return send_sms_body(self.body(message, row))


def sms_template() -> str:
    return getattr(settings, "WARNINGS_SMS_TEMPLATE", "") or DEFAULT_SMS_TEMPLATE


def sms_configured() -> bool:
    """Whether the 短信网关 is set (WARNINGS_SMS_URL): the gateway every SMS of the platform
    goes through (预警 and the 研判简报's notice of a distribution)."""
    return bool(getattr(settings, "WARNINGS_SMS_URL", ""))


def sms_body(values: dict[str, str]) -> bytes:
    """The gateway's request body: WARNINGS_SMS_TEMPLATE with ``{recipient}``, ``{text}``…
    replaced (JSON-escaped in a JSON template, URL-encoded in a form one); a placeholder not in
    ``values`` becomes empty."""
    template = sms_template()
    json_body = template.lstrip().startswith("{")
    for name in ("recipient", "recipient_name", "org_code", "identifier", "text", "link"):
        value = values.get(name, "")
        # JSON templates get JSON-escaped values, form templates URL-encoded ones
        value = json.dumps(value, ensure_ascii=False)[1:-1] if json_body else value
        if not json_body:
            value = urllib.parse.quote_plus(value)
        template = template.replace("{" + name + "}", value)
    return template.encode("utf-8")


def send_sms_body(body: bytes) -> tuple[bool, str]:
    is_json = body.lstrip().startswith(b"{")
    return post(
        settings.WARNINGS_SMS_URL,
        body,
        "application/json" if is_json else "application/x-www-form-urlencoded",
    )


def send_sms(phone: str, text: str, **values: str) -> tuple[bool, str]:
    """One SMS through the platform's 短信网关 (for other apps: the 研判简报's notice):
    (ok, detail); never raises. Not configured: (False, "未配置…")."""
    if not sms_configured():
        return False, "未配置短信网关(WARNINGS_SMS_URL),未发送短信"
    return send_sms_body(sms_body({**values, "recipient": phone, "text": text[:500]}))


DEFAULT_SMS_TEMPLATE = '{"to": "{recipient}", "content": "{text}"}'


def officer_targets(warning) -> list[Target]:
    """The 灾害信息员 on post (disasters.InfoOfficer, with their own 手机号) whose region lies in
    an affected region: village, township and county officers receive the warning by SMS."""
    from django.apps import apps
    from django.db.models import Q

    # Looked up by name, not imported: disasters reaches warnings through response, and the
    # apps may not import each other in a cycle (lint-imports).
    try:
        InfoOfficer = apps.get_model("disasters", "InfoOfficer")  # noqa: N806
    except LookupError:
        return []
    where = Q(pk__in=[])
    for region in warning.regions.all():
        where |= Q(region__path__startswith=region.path)
    rows = (
        InfoOfficer.objects.filter(where, active=True)
        .select_related("region")
        .order_by("region__code", "role", "name")
    )
    out = []
    for o in rows:
        shown = f"灾害信息员 {o.name}({o.region.name})"[:200]
        if MOBILE_TEXT.match(o.phone or ""):
            out.append(Target(shown, o.phone, user_id=o.user_id))
        else:
            out.append(Target(shown, "", user_id=o.user_id, unsendable="无手机号:信息员手机号无效"))
    return out


MOBILE_TEXT = re.compile(r"^1[3-9][0-9]{9}$")


@register
class MqttChannel(Channel):
    code, label, setting = "mqtt", "应急广播(MQTT)", "MQTT_URL"
    per_recipient = False

    def targets(self, warning, orgs, resend=False):
        return [
            Target(f"yingji/warnings/{warning.identifier}", f"yingji/warnings/{warning.identifier}")
        ]

    def send(self, message, row):
        from .mqtt import publish

        return publish(row.address, json.dumps(message.payload, ensure_ascii=False))
