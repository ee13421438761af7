"""The daily alerts: one digest a day, nothing told twice, the same in the app; sent
through Django's test mailbox and through a real SMTP server on localhost."""

from __future__ import annotations

import email
import socket
from collections.abc import Callable
from datetime import date
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client, override_settings

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.alerts import run_alerts
from permanence.web.planning.lists import pseudonym_of
from permanence.web.planning.models import AlertDigest, Notification

from ..conftest import PASSWORD
from .conftest import child_tables, combine

DAY = date(2025, 8, 1)


def caseload() -> Any:
    """Three children of the Alpha Team, as they stand on 1 August 2025."""
    return combine(
        # Ellie: the second review was due 22 July and is not held: 10 days overdue.
        child_tables(
            "E-0001",
            date(2025, 3, 14),
            initials="EL",
            meetings=[
                ("planning_72h", None, date(2025, 3, 16), None),
                ("review", None, date(2025, 4, 22), 1),
            ],
        ),
        # Finn: accommodated 1 July; the first review is due 12 August, in 11 days.
        child_tables(
            "F-0002",
            date(2025, 7, 1),
            initials="FN",
            meetings=[("planning_72h", None, date(2025, 7, 2), None)],
        ),
        # Gail: accommodated 1 February, no recommendation yet: Aim 2's 26 weeks end on
        # 2 August (182 days), tomorrow. Her reviews are up to date (the third is due
        # 14 December).
        child_tables(
            "G-0003",
            date(2025, 2, 1),
            initials="GA",
            meetings=[
                ("planning_72h", None, date(2025, 2, 3), None),
                ("review", None, date(2025, 3, 14), 1),
                ("review", None, date(2025, 6, 14), 2),
            ],
        ),
    )


@pytest.fixture
def practitioner(
    authority_a: LocalAuthority,
    users_a: dict[Role, User],
    plan_import: Callable[..., object],
) -> User:
    plan_import(authority_a, caseload())
    person = users_a[Role.PRACTITIONER]
    with scoped_to(Scope.authority(authority_a.pk)):
        person.team = Team.objects.get(name="Alpha Team")
    person.first_name = "Priya"
    person.save()
    return person


def notices(user: User) -> list[tuple[str, str, date]]:
    with scoped_to(Scope.authority(user.authority_id or 0)):
        return sorted(
            Notification.objects.filter(recipient=user).values_list("state", "what", "due_date")
        )


def test_one_digest_of_what_is_due_and_nothing_sent_twice(practitioner: User) -> None:
    summary = run_alerts(DAY, site_url="https://permanence.example.org")
    assert summary.emails_sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [practitioner.email]
    assert message.subject == (
        "permanence, 1 August 2025: 1 overdue, 1 due soon, 1 approaching an aim's deadline"
    )
    ellie = pseudonym_of("ALPHA", "E-0001")
    assert (
        f"- Looked After Child review 2 for {ellie} (Alpha Team): was due 22 July 2025 "
        "(10 days ago)" in message.body
    )
    assert (
        f"for {pseudonym_of('ALPHA', 'F-0002')} (Alpha Team): due 12 August 2025 (in 11 days)"
        in (message.body)
    )
    assert f"Aim 2 deadline for {pseudonym_of('ALPHA', 'G-0003')}" in message.body
    assert "https://permanence.example.org/planning/" in message.body
    # Children are named by pseudonym only: never their reference or initials.
    for ref in ("E-0001", "F-0002", "G-0003", " EL", " FN", " GA"):
        assert ref not in message.body
    assert notices(practitioner) == [
        ("aim_approaching", "Aim 2 deadline", date(2025, 8, 2)),
        ("due_soon", "Looked After Child review 1", date(2025, 8, 12)),
        ("overdue", "Looked After Child review 2", date(2025, 7, 22)),
    ]

    # The same day again: nothing is sent and nothing is added.
    again = run_alerts(DAY)
    assert (again.emails_sent, again.new_notices) == (0, 0)
    assert len(mail.outbox) == 1
    assert len(notices(practitioner)) == 3

    # The next day nothing has changed state: still nothing to send.
    run_alerts(date(2025, 8, 2))
    assert len(mail.outbox) == 1

    # On 3 August Gail is past Aim 2's deadline: a new notice, a new digest, just that.
    run_alerts(date(2025, 8, 3))
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "permanence, 3 August 2025: 1 past an aim's deadline"
    assert "Looked After Child review" not in mail.outbox[1].body
    with scoped_to(Scope.authority(practitioner.authority_id or 0)):
        assert list(AlertDigest.objects.values_list("run_date", "notices")) == [
            (date(2025, 8, 3), 1),
            (date(2025, 8, 1), 3),
        ]


def test_people_who_do_not_work_with_these_children_hear_nothing(
    practitioner: User, users_a: dict[Role, User]
) -> None:
    run_alerts(DAY)
    assert [message.to for message in mail.outbox] == [[practitioner.email]]
    for role in (Role.VIEWER, Role.DATA_LEAD, Role.ADMINISTRATOR):
        assert notices(users_a[role]) == []


def test_a_dry_run_says_what_it_would_send_and_changes_nothing(practitioner: User) -> None:
    summary = run_alerts(DAY, dry_run=True)
    assert mail.outbox == []
    assert notices(practitioner) == []
    assert summary.new_notices == 3
    assert summary.lines == [
        "ALPHA alpha-practitioner: 3 current, 3 new (1 overdue, 1 due soon, "
        "0 past an aim's deadline, 1 approaching an aim's deadline); "
        f"would email {practitioner.email}"
    ]


def test_the_app_shows_the_same_notices_with_who_the_children_are(
    practitioner: User, client: Client
) -> None:
    run_alerts(DAY)
    client.login(username=practitioner.username, password=PASSWORD)
    page = client.get("/planning/notifications/").content.decode()
    for ref in ("E-0001", "F-0002", "G-0003"):
        assert ref in page
    assert "Looked After Child review 2" in page
    assert "(3 new)" in client.get("/").content.decode()
    client.post("/planning/notifications/read/")
    assert "new)" not in client.get("/").content.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def test_the_digest_goes_through_a_real_smtp_server(practitioner: User) -> None:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            DEFAULT_FROM_EMAIL="permanence@council.example",
        ):
            summary = run_alerts(DAY)
    finally:
        controller.stop()
    assert summary.emails_sent == 1
    assert summary.failures == []
    [(sender, recipients, message)] = inbox.messages
    assert sender == "permanence@council.example"
    assert recipients == [practitioner.email]
    assert message["To"] == practitioner.email
    assert message["Subject"].startswith("permanence, 1 August 2025: 1 overdue")
    body = message.get_content()
    assert "Hello Priya," in body
    assert pseudonym_of("ALPHA", "E-0001") in body
    assert "E-0001" not in body


def test_a_mail_server_that_refuses_is_reported_and_nothing_is_recorded_as_sent(
    practitioner: User,
) -> None:
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_free_port(),  # nothing listens there
        EMAIL_TIMEOUT=2,
    ):
        summary = run_alerts(DAY)
    assert summary.emails_sent == 0
    assert len(summary.failures) == 1
    with scoped_to(Scope.authority(practitioner.authority_id or 0)):
        assert not AlertDigest.objects.exists()
    # Once the server is back, the next run sends the digest.
    run_alerts(DAY)
    assert len(mail.outbox) == 1


def test_the_command_runs_the_alerts(
    practitioner: User, capsys: pytest.CaptureFixture[str]
) -> None:
    from permanence.cli.main import main

    assert main(["alerts", "--date", "2025-08-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would email alpha-practitioner@example.invalid" in out
    assert "2025-08-01: 1 person would have something to hear about; 3 new notices" in out
    assert mail.outbox == []
    assert main(["alerts", "--date", "2025-08-01"]) == 0
    assert "1 digests sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
