"""Personal acknowledgement links: a token signed with the project's SECRET_KEY
(django.core.signing, its own salt) naming one acknowledgement task (a recipient organisation
of one warning) and, for an e-mail, the person it was sent to. Valid for
``WARNINGS_ACK_LINK_MAX_AGE`` seconds after it was made (default 3 days); a changed character
or an old link is refused."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "yingji.warnings.ack-link"


class LinkRefused(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason  # "forged" | "expired"
        self.message = message


def make_token(ack_id: int, user_id: int | None = None) -> str:
    data = {"a": ack_id}
    if user_id:
        data["u"] = user_id
    return signing.dumps(data, salt=SALT, compress=False)


def max_age() -> int:
    return int(getattr(settings, "WARNINGS_ACK_LINK_MAX_AGE", 3 * 24 * 3600))


def read_token(token: str) -> tuple[int, int | None]:
    """(acknowledgement id, user id or None); LinkRefused when forged or expired."""
    try:
        data = signing.loads(token[:500], salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        days = max_age() / 86400
        raise LinkRefused(
            "expired",
            f"该签收链接已过期(有效期 {days:g} 天)。请登录平台在“预警签收”中签收,或联系值班室重发。",
        ) from exc
    except signing.BadSignature as exc:
        raise LinkRefused(
            "forged", "该签收链接无效(签名不符,可能被改动或不完整)。请使用收到的原始链接。"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        raise LinkRefused("forged", "该签收链接无效。")
    user = data.get("u")
    return data["a"], user if isinstance(user, int) else None
