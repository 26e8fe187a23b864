"""Sending messages (``invite --send``): an SMTP server given as a URL,
``smtp://[USER@]HOST[:PORT]`` (default port 25; ``starttls`` upgrades the connection)
or ``smtps://[USER@]HOST[:PORT]`` (TLS from the start, default port 465). The password
is a parameter (the command line reads it from ``TWINSCHEDULE_SMTP_PASSWORD`` only),
never part of the URL.

Every message is sent on its own: a message that the server refuses (its recipient, its
sender or its data) is reported with the recipient and the server's reply, and the
others are still sent; a dropped connection is opened again for the next message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from twinschedule.errors import ConfigError, Problem

SCHEMES = {"smtp": 25, "smtps": 465}
PASSWORD_VARIABLE = "TWINSCHEDULE_SMTP_PASSWORD"
TIMEOUT = 60  # seconds for the server to answer


@dataclass(frozen=True, slots=True, kw_only=True)
class SendFailure:
    """A message that was not sent: its recipient and what the server said (or why
    the server could not be reached)."""

    recipient: str
    reply: str

    def __str__(self) -> str:
        return f"{self.recipient}: {self.reply}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    """Where to send: ``tls`` for smtps (TLS from the start)."""

    host: str
    port: int
    tls: bool
    user: str | None


def server(url: str, *, path: str = "--send") -> Server:
    """The server of ``url``; ``ConfigError`` at ``path`` for an unknown scheme, a
    missing host, a bad port or a password in the URL."""
    def bad(message: str) -> ConfigError:
        return ConfigError([Problem(path=path, message=message)])

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise bad(f"'{url[:80]}' is not a server URL: {exc}") from None
    if parts.scheme not in SCHEMES:
        raise bad(f"unknown scheme '{parts.scheme[:20]}': use smtp://HOST:PORT or "
                  f"smtps://HOST:PORT")
    if not parts.hostname:
        raise bad(f"'{url[:80]}' names no server: use {parts.scheme}://HOST:PORT")
    if parts.password is not None:
        raise bad(f"a password in the URL would be seen by everyone on this computer: "
                  f"give it in the environment variable {PASSWORD_VARIABLE}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise bad(f"'{url[:80]}': only {parts.scheme}://[USER@]HOST[:PORT] is understood")
    return Server(host=parts.hostname, port=port or SCHEMES[parts.scheme],
                  tls=parts.scheme == "smtps",
                  user=unquote(parts.username) if parts.username else None)


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


class _Connection:
    def __init__(self, where: Server, password: str | None, starttls: bool) -> None:
        self.where, self.password, self.starttls = where, password, starttls
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            w = self.where
            context = ssl.create_default_context()
            smtp = (smtplib.SMTP_SSL(w.host, w.port, timeout=TIMEOUT, context=context)
                    if w.tls else smtplib.SMTP(w.host, w.port, timeout=TIMEOUT))
            try:
                if self.starttls and not w.tls:
                    smtp.starttls(context=context)
                if w.user is not None:
                    smtp.login(w.user, self.password or "")
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _one(conn: _Connection, msg: EmailMessage) -> SendFailure | None:
    to = str(msg["To"].addresses[0].addr_spec) if msg["To"] else "?"
    try:
        refused = conn.open().send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b"refused"))
        return SendFailure(recipient=to, reply=_reply(code, text))
    except smtplib.SMTPResponseException as exc:  # sender or data refused, login failed
        return SendFailure(recipient=to, reply=_reply(exc.smtp_code, exc.smtp_error))
    except (smtplib.SMTPException, OSError) as exc:  # unreachable, disconnected, TLS
        conn.drop()
        return SendFailure(recipient=to, reply=f"cannot reach the server: "
                                               f"{exc or type(exc).__name__}")
    if refused:
        code, text = next(iter(refused.values()))
        return SendFailure(recipient=to, reply=_reply(code, text))
    return None


def send(messages: Iterable[EmailMessage], url: str, password: str | None = None, *,
         starttls: bool = False) -> list[SendFailure]:
    """Send every message through the server of ``url``; the failures (empty: every
    message was accepted). ``ConfigError`` (nothing sent) for a bad URL, or a user
    without a password."""
    where = server(url)
    if where.user is not None and not password:
        raise ConfigError([Problem(path="--send", message=(
            f"the URL names the user '{where.user}': give the password in "
            f"{PASSWORD_VARIABLE}"))])
    if starttls and where.tls:
        raise ConfigError([Problem(path="--starttls", message=(
            "smtps:// is encrypted from the start: use --starttls with smtp://"))])
    conn = _Connection(where, password, starttls)
    failures = []
    try:
        for msg in messages:
            failed = _one(conn, msg)
            if failed is not None:
                failures.append(failed)
    finally:
        conn.drop()
    return failures
