"""Data queries answered in the app, and records an extract no longer holds decided on.

A data lead answers a query on a child (``answer_query``): a purposeful delay, a record
checked and right, or a correction on its way in the case recording system, with a
reason. The answer is kept with who and when (every change in its history), shown beside
the query on the child's journey, on the import page and in the data-quality report, and
found again for the same rule and care period in every later import. It never changes a
figure: the child stays in every aim exactly as the records say.

A record an extract no longer holds (``AbsentRecord``) is kept (``keep_absent``: the
extract missed it) or removed (``remove_absent``: the system no longer holds it, and with
it, for a care period or a child, everything that belongs to it). Either way the decision
is kept with who, when and why, and a removed record's history names it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from permanence.ingest.rules import all_rules
from permanence.ingest.rules.load import RECORD_GONE
from permanence.web.accounts.models import User
from permanence.web.records.loading import remove_with_history
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ImportBatch,
    ImportIssue,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
    QueryAnswer,
)

# The clock each overdue query is about: a purposeful delay answering it is marked on
# the run chart of every aim whose clock starts there.
DELAY_CLOCKS: dict[str, str] = {
    "OVERDUE001": "accommodated_date",
    "OVERDUE002": "decision_away_date",
    "OVERDUE003": "agency_decision_date",
    "OVERDUE004": "home_cso_start",
}

_MODELS: dict[str, Any] = {
    "children": Child,
    "care_periods": CarePeriod,
    "placements": Placement,
    "legal_statuses": LegalStatus,
    "meetings": Meeting,
    "milestones": Milestone,
}
_PERIOD_RECORDS = (Milestone, Meeting, LegalStatus, Placement)


class AnswerError(ValueError):
    """An answer that cannot be given (its words say why, for the person giving it)."""


# ---------------------------------------------------------------------------------------
# Answers


def answer_query(
    child: Child,
    care_period: CarePeriod | None,
    rule: str,
    kind: str,
    reason: str,
    user: User,
) -> QueryAnswer:
    """Answer the queries of ``rule`` on ``child`` (in ``care_period``), or change the
    answer already given. Raises ``AnswerError`` for an answer that cannot stand."""
    reason = reason.strip()
    if not reason:
        raise AnswerError("Say why: the reason is what the answer is for.")
    if rule not in all_rules() or all_rules()[rule].severity != "query":
        raise AnswerError("Only a query can be answered; an error is corrected in the system.")
    if kind not in QueryAnswer.Kind.values:
        raise AnswerError("Choose what the answer is.")
    if kind == QueryAnswer.Kind.PURPOSEFUL_DELAY and rule not in DELAY_CLOCKS:
        raise AnswerError(
            "A purposeful delay answers a query about a child waiting past an aim's timescale."
        )
    if care_period is not None and care_period.child_id != child.pk:
        raise AnswerError("That care period is not this child's.")
    with transaction.atomic():
        answer = _answer_of(child, care_period, rule)
        if answer is None:
            answer = QueryAnswer(authority_id=child.authority_id, child=child, rule=rule)
        answer.care_period = care_period
        answer.kind = kind
        answer.reason = reason
        answer.answered_by = user
        answer.answered_at = timezone.now()
        answer._change_reason = f"Answered by {user.get_username()}"  # type: ignore[attr-defined]
        answer.save()
    return answer


def withdraw_answer(answer: QueryAnswer, user: User) -> None:
    """Take an answer back: the query shows unanswered again; the history keeps it."""
    remove_with_history(answer, user, f"Withdrawn by {user.get_username()}")


def _answer_of(child: Child, care_period: CarePeriod | None, rule: str) -> QueryAnswer | None:
    return (
        QueryAnswer.objects.filter(child=child, care_period=care_period, rule=rule)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class ChildQuery:
    """One query the latest import raised on a child, with its answer if it has one."""

    issue: ImportIssue
    care_period: CarePeriod | None
    answer: QueryAnswer | None

    @property
    def can_be_a_delay(self) -> bool:
        return self.issue.rule in DELAY_CLOCKS


def latest_loaded_batch() -> ImportBatch | None:
    """The import whose extract the records now follow (in the current scope)."""
    return (
        ImportBatch.objects.filter(status=ImportBatch.Status.LOADED)
        .order_by("-loaded_at", "-pk")
        .first()
    )


def child_queries(child: Child, periods: Iterable[CarePeriod]) -> list[ChildQuery]:
    """The queries the latest import raised on ``child`` (RECORD001 aside: those are the
    child's records no longer in the extract, listed with their own decision), each with
    the answer given for its rule and care period."""
    batch = latest_loaded_batch()
    if batch is None:
        return []
    by_start = {period.period_start: period for period in periods}
    answers = {
        (answer.care_period_id, answer.rule): answer
        for answer in QueryAnswer.objects.filter(child=child).select_related("answered_by")
    }
    issues = (
        ImportIssue.objects.filter(batch=batch, child_ref=child.child_ref, severity="query")
        .exclude(rule=RECORD_GONE)
        .order_by("period_start", "rule", "table", "row")
    )
    queries = []
    for issue in issues:
        period = by_start.get(issue.period_start) if issue.period_start else None
        answer = answers.get((period.pk if period else None, issue.rule))
        queries.append(ChildQuery(issue, period, answer))
    return queries


def answers_table() -> pl.DataFrame:
    """Every answer in scope, as the data-quality report joins them onto its queries:
    ``child_ref``, ``period_start``, ``rule`` and the ``answer`` in words."""
    rows = []
    for answer in QueryAnswer.objects.select_related("child", "care_period", "answered_by"):
        rows.append(
            {
                "child_ref": answer.child.child_ref,
                "period_start": _start(answer),
                "rule": answer.rule,
                "answer": answer_words(answer),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "child_ref": pl.String,
            "period_start": pl.Date,
            "rule": pl.String,
            "answer": pl.String,
        },
        orient="row",
    )


def answer_queries(issues: Iterable[ImportIssue]) -> None:
    """Give each query among ``issues`` an ``answer`` attribute: the answer's words, or
    "" (for a page of the import's issues)."""
    issues = list(issues)
    refs = {issue.child_ref for issue in issues if issue.severity == "query" and issue.child_ref}
    found = {
        (answer.child.child_ref, _start(answer), answer.rule): answer_words(answer)
        for answer in QueryAnswer.objects.filter(child__child_ref__in=refs).select_related(
            "child", "care_period", "answered_by"
        )
    }
    for issue in issues:
        key = (issue.child_ref, issue.period_start, issue.rule)
        issue.answer = found.get(key, "") if issue.severity == "query" else ""  # type: ignore[attr-defined]


def _start(answer: QueryAnswer) -> date | None:
    return answer.care_period.period_start if answer.care_period else None


def answer_words(answer: QueryAnswer) -> str:
    """For example "Purposeful delay: sibling assessment (Jo Brown, 3 March 2025)"."""
    kind = {
        QueryAnswer.Kind.PURPOSEFUL_DELAY: "Purposeful delay",
        QueryAnswer.Kind.CONFIRMED: "Checked, right",
        QueryAnswer.Kind.CORRECTING: "Being corrected",
    }[QueryAnswer.Kind(answer.kind)]
    who = _person(answer.answered_by)
    when = timezone.localtime(answer.answered_at).date()
    return f"{kind}: {answer.reason} ({who}, {when.day} {when:%B %Y})"


def _person(user: User | None) -> str:
    if user is None:
        return "someone no longer here"
    return user.get_full_name() or user.get_username()


def purposeful_delays() -> pl.DataFrame:
    """Each purposeful delay in scope: ``child_ref``, ``period_start``, the ``clock`` it
    is about (the aim's start column), and the ``reason`` as recorded."""
    rows = [
        {
            "child_ref": answer.child.child_ref,
            "period_start": answer.care_period.period_start if answer.care_period else None,
            "clock": DELAY_CLOCKS[answer.rule],
            "reason": answer.reason,
        }
        for answer in QueryAnswer.objects.filter(
            kind=QueryAnswer.Kind.PURPOSEFUL_DELAY
        ).select_related("child", "care_period")
        if answer.rule in DELAY_CLOCKS
    ]
    return pl.DataFrame(
        rows,
        schema={
            "child_ref": pl.String,
            "period_start": pl.Date,
            "clock": pl.String,
            "reason": pl.String,
        },
        orient="row",
    )


# ---------------------------------------------------------------------------------------
# Records no longer in the extract


def keep_absent(absence: AbsentRecord, user: User, note: str) -> int:
    """The extract missed the record: keep it, counted, and stop querying it. Keeping a
    care period or a child keeps what belongs to it that is waiting too; returns how many
    records were kept."""
    with transaction.atomic():
        _decide(absence, AbsentRecord.Status.KEPT, user, note)
        belonging = _waiting_below(absence)
        for other in belonging:
            _decide(other, AbsentRecord.Status.KEPT, user, "Kept with the record it belongs to.")
    return 1 + len(belonging)


def _waiting_below(absence: AbsentRecord) -> list[AbsentRecord]:
    """The records waiting for a decision that belong to a care period or a child."""
    waiting = AbsentRecord.objects.filter(status=AbsentRecord.Status.AWAITING).exclude(
        pk=absence.pk
    )
    if absence.table == "children":
        return list(waiting.filter(child_ref=absence.child_ref))
    if absence.table == "care_periods":
        return list(
            waiting.filter(child_ref=absence.child_ref, period_start=absence.period_start).exclude(
                table__in=("children", "care_periods")
            )
        )
    return []


def remove_absent(absence: AbsentRecord, user: User, note: str) -> int:
    """The system no longer holds the record: remove it (a care period or a child with
    everything that belongs to it); returns how many records were removed."""
    reason = f"Removed by {user.get_username()}: not in any extract since import " + str(
        absence.missing_from_id
    )
    if note.strip():
        reason += f". {note.strip()}"
    with transaction.atomic():
        removed = _remove_record(absence.table, absence.record_pk, user, reason[:100])
        absence.refresh_from_db()  # removing a child has cleared its link to the child
        _decide(absence, AbsentRecord.Status.REMOVED, user, note)
        _close_absences(removed, user)
    return sum(len(pks) for pks in removed.values())


def _decide(absence: AbsentRecord, status: str, user: User, note: str) -> None:
    if not absence.is_open:
        raise AnswerError("This record has already been decided on.")
    absence.status = status
    absence.decided_by = user
    absence.decided_at = timezone.now()
    absence.note = note.strip()
    absence._change_reason = f"{absence.get_status_display()}"  # type: ignore[attr-defined]
    absence.save()


def _remove_record(table: str, pk: int, user: User, reason: str) -> dict[str, list[int]]:
    """Delete the record and what belongs to it, leaf first, each with ``reason`` in its
    history; returns the keys removed, by table."""
    removed: dict[str, list[int]] = {name: [] for name in _MODELS}
    model = _MODELS[table]
    record = model.objects.filter(pk=pk).first()
    if record is None:
        return removed  # already gone (removed with its care period, say)
    periods: list[CarePeriod] = []
    if isinstance(record, Child):
        periods = list(CarePeriod.objects.filter(child=record))
    elif isinstance(record, CarePeriod):
        periods = [record]
    period_ids = [period.pk for period in periods]
    for child_model in _PERIOD_RECORDS:
        name = _table_of(child_model)
        for item in child_model.objects.filter(care_period_id__in=period_ids):
            removed[name].append(item.pk)
            remove_with_history(item, user, reason)
    for period in periods if not isinstance(record, CarePeriod) else []:
        removed["care_periods"].append(period.pk)
        remove_with_history(period, user, reason)
    removed[table].append(record.pk)
    remove_with_history(record, user, reason)
    return removed


def _table_of(model: Any) -> str:
    return next(name for name, candidate in _MODELS.items() if candidate is model)


def _close_absences(removed: dict[str, list[int]], user: User) -> None:
    """Records removed with their care period or child: their own open notes close too."""
    now = timezone.now()
    for table, pks in removed.items():
        for absence in AbsentRecord.objects.filter(
            table=table, record_pk__in=pks, status__in=AbsentRecord.OPEN
        ):
            absence.status = AbsentRecord.Status.REMOVED
            absence.decided_by = user
            absence.decided_at = now
            absence.note = "Removed with the record it belonged to."
            absence.save()
