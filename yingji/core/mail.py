"""E-mail through the platform's SMTP settings (EMAIL_HOST…), one connection for a batch.

Callers record the outcome of each message themselves (a delivery row, a distribution row);
this module only owns the connection: opened once, every message tried even when one fails
(smtplib raises many kinds of error), and closed even when the server has gone away."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from django.conf import settings


def send_each(
    mails: Iterable[tuple[Hashable, str, str, str]], *, timeout: float
) -> dict[Hashable, Exception | None]:
    """Send ``(key, subject, body, to_address)`` messages over one SMTP connection and return
    ``{key: None}`` for a message the server accepted, ``{key: the exception}`` otherwise.
    Raises ``OSError`` when the server cannot be reached at all (nothing was sent)."""
    from django.core.mail import EmailMessage, get_connection

    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "yingji@localhost")
    connection = get_connection(timeout=timeout)
    connection.open()
    out: dict[Hashable, Exception | None] = {}
    try:
        for key, subject, body, to in mails:
            message = EmailMessage(subject, body, sender, [to], connection=connection)
            try:
                message.send()
                out[key] = None
            except Exception as exc:  # noqa: BLE001 — smtplib raises many kinds; all a failure
                out[key] = exc
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 — closing a broken connection
            pass
    return out
