"""Sharing learning across authorities: nothing of an authority shows before its
administrator's consent or after its withdrawal, in pages, downloads or the national
snapshot; the library's publishing, adopting and curating; progress scores; an
adviser's access ending on its date (docs/sharing.md)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ChangeIdea, ImprovementProject, MeasureValue
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national import learning, learning_views
from permanence.web.national.models import (
    Adoption,
    AdviserGrant,
    AdviserVisit,
    NationalSnapshot,
    ProjectProgress,
    SharedChangeIdea,
    SharingDecision,
)
from permanence.web.national.sharing import current_shares, decide, learning_authorities

from ..improvement.conftest import Record, improvement_record

SECRET = "bravo-learning-"  # every text of B's improvement record starts with it


@pytest.fixture(autouse=True)
def without_the_walks_rows(two_authorities: tuple[LocalAuthority, LocalAuthority]) -> None:
    """The walks' fixture gives B learning rows of its own (tests/web/sharing_rows.py);
    these tests start from none."""
    with scoped_to(Scope.everything()):
        for model in (Adoption, SharedChangeIdea, ProjectProgress, AdviserVisit, AdviserGrant):
            model.objects.all().delete()


@pytest.fixture
def records(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> tuple[Record, Record]:
    authority_a, authority_b = two_authorities
    return improvement_record(authority_a, "alpha-"), improvement_record(authority_b, SECRET)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def consent(authority: LocalAuthority, user: User, learning_on: bool) -> SharingDecision:
    return decide(authority, set(), by=user, note="test", learning=learning_on)


def publish_b(record_b: Record, user_b: User, *, with_file: bool = True) -> SharedChangeIdea:
    with scoped_to(Scope.authority(record_b.project.authority_id)):
        files = [("bravo-agenda.txt", "text/plain", b"bravo agenda")] if with_file else []
        return learning.publish(record_b.idea, by=user_b, stage="", files=files)


def everything_a_reader_reaches(client: Client, shared: SharedChangeIdea) -> str:
    """The library's list, the idea's page, its file, and the national progress and its
    download, as text (a refused address adds its status instead)."""
    seen = []
    with scoped_to(Scope.everything()):
        template = shared.templates.first()
    addresses = [
        "/national/library/",
        "/national/library/?q=learning-idea",
        f"/national/library/{shared.pk}/",
    ]
    if template is not None:
        addresses.append(f"/national/library/{shared.pk}/files/{template.pk}/")
    addresses += ["/national/progress/", "/national/progress.csv"]
    for address in addresses:
        response = client.get(address)
        seen.append(f"{address} {response.status_code}")
        if response.status_code == 200:
            seen.append(response.content.decode("utf-8", errors="replace"))
    return "\n".join(seen)


# ---- consent and withdrawal -------------------------------------------------------------


def test_nothing_can_be_published_before_consent(
    records: tuple[Record, Record], users_b: dict[Role, User]
) -> None:
    _, record_b = records
    with pytest.raises(learning.NotSharing):
        publish_b(record_b, users_b[Role.DATA_LEAD])
    client = client_for(users_b[Role.DATA_LEAD])
    page = client.get("/national/library/publish/").content.decode()
    assert "does not share what it learns" in page
    # Only the administrator, who may open the sharing page, is sent to it.
    assert "/national/sharing/" not in page
    assert "Your administrator decides that" in page
    admin_page = client_for(users_b[Role.ADMINISTRATOR]).get("/national/library/publish/")
    assert "/national/sharing/" in admin_page.content.decode()
    with scoped_to(Scope.authority(record_b.project.authority_id)):
        idea_pk = record_b.idea.pk
    response = client.post("/national/library/publish/", {"change_idea": idea_pk})
    assert response.status_code == 403
    assert not SharedChangeIdea.everywhere.exists()


def test_each_decision_and_withdrawal_shows_or_hides_everything_of_the_authority(
    records: tuple[Record, Record],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    authority_b: LocalAuthority,
) -> None:
    _, record_b = records
    admin_b = users_b[Role.ADMINISTRATOR]
    readers = [users_a[Role.VIEWER], users_a[Role.DATA_LEAD], _national()]

    consent(authority_b, admin_b, True)
    shared = publish_b(record_b, users_b[Role.DATA_LEAD])
    with scoped_to(Scope.authority(authority_b.pk)):
        ProjectProgress.objects.create(
            authority=authority_b,
            project=record_b.project,
            phase="testing",
            score=Decimal("2.5"),
            note=f"{SECRET}score",
        )
    # Shared: the idea, its learning, its file and the progress are there.
    for reader in readers:
        text = everything_a_reader_reaches(client_for(reader), shared)
        assert f"{SECRET}idea" in text and f"{SECRET}learned" in text, reader.role
        assert f"/national/library/{shared.pk}/ 200" in text
    national_text = everything_a_reader_reaches(client_for(readers[-1]), shared)
    assert "bravo agenda" in national_text
    assert f"{SECRET}score" in national_text and f"{SECRET}project" in national_text

    # Withdrawn: nothing of B's anywhere, though the rows are still B's.
    consent(authority_b, admin_b, False)
    assert authority_b.pk not in learning_authorities()
    for reader in readers:
        text = everything_a_reader_reaches(client_for(reader), shared)
        assert SECRET not in text, reader.role
        assert "Bravo" not in text
        assert "bravo agenda" not in text
        assert f"/national/library/{shared.pk}/ 404" in text

    # Shared again: back at once, from the same rows.
    consent(authority_b, admin_b, True)
    assert f"{SECRET}idea" in everything_a_reader_reaches(client_for(readers[0]), shared)

    # A decision about figures only keeps the learning decision in force...
    decide(authority_b, set(), by=admin_b)
    assert authority_b.pk in learning_authorities()
    # ...and a figures decision that withdraws learning hides it again.
    decide(authority_b, set(), by=admin_b, learning=False)
    assert SECRET not in everything_a_reader_reaches(client_for(readers[0]), shared)


def test_sharing_learning_only_shares_no_figures_and_builds_no_snapshot(
    authority_b: LocalAuthority, users_b: dict[Role, User], tmp_path: Path, settings: Any
) -> None:
    settings.NATIONAL_SNAPSHOT_DIR = tmp_path
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    assert authority_b.pk in learning_authorities()
    assert authority_b.pk not in current_shares()
    assert not NationalSnapshot.everywhere.filter(authority=authority_b).exists()
    assert list(tmp_path.iterdir()) == []


def test_the_sharing_page_records_the_learning_decision_and_its_withdrawal(
    authority_b: LocalAuthority, users_b: dict[Role, User]
) -> None:
    client = client_for(users_b[Role.ADMINISTRATOR])
    assert 'name="learning"' in client.get("/national/sharing/").content.decode()
    client.post("/national/sharing/", {"learning": "yes", "note": "we share"})
    client.post("/national/sharing/", {"note": "we stop"})
    decisions = list(SharingDecision.everywhere.filter(authority=authority_b))[:2]
    assert [(d.learning, d.note, d.decided_by) for d in decisions] == [
        (False, "we stop", users_b[Role.ADMINISTRATOR]),
        (True, "we share", users_b[Role.ADMINISTRATOR]),
    ]
    # Only the administrator decides.
    for role in (Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER):
        assert (
            client_for(users_b[role]).post("/national/sharing/", {"learning": "yes"}).status_code
            == 403
        )


# ---- the library ------------------------------------------------------------------------


def test_publishing_copies_the_cycles_learning_and_the_chart_under_disclosure_control(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    with scoped_to(Scope.authority(authority_b.pk)):
        for month, count in ((date(2022, 2, 1), 0), (date(2022, 3, 1), 7)):
            MeasureValue.objects.create(
                authority=authority_b, measure=record_b.entered, month=month, count=count
            )
    client = client_for(users_b[Role.DATA_LEAD])
    upload = SimpleUploadedFile("checklist.txt", b"bravo checklist", content_type="text/plain")
    response = client.post(
        "/national/library/publish/",
        {
            "change_idea": record_b.idea.pk,
            "stage": "",
            "measure": record_b.entered.pk,
            "template": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shared = SharedChangeIdea.everywhere.get()
    assert shared.published_by == users_b[Role.DATA_LEAD]
    assert [c["learned"] for c in shared.cycles] == [f"{SECRET}learned", ""]
    assert shared.cycles[0]["decision"].startswith("Adopt")
    assert shared.secondary_driver == f"{SECRET}secondary"
    assert shared.primary_driver == f"{SECRET}primary"
    # January's 4 is hidden, February's 0 and March's 7 are shown.
    assert [(p["month"], p["value"], p["hidden"]) for p in shared.chart] == [
        ("2022-01-01", None, True),
        ("2022-02-01", 0, False),
        ("2022-03-01", 7, False),
    ]
    assert shared.chart_unit == "count"
    page = client.get(f"/national/library/{shared.pk}/").content.decode()
    assert "checklist.txt" in page
    # Drawn as a run chart, the withheld month left out and said so; the table stays.
    assert f'data-vega-spec="chart-shared-{shared.pk}-spec"' in page
    chart = learning_views.shared_run_chart(shared)
    assert chart is not None
    assert "1 month was withheld under disclosure control" in chart.alt_text
    assert chart.data.height == 2
    assert 'class="shared-chart"' in page
    with scoped_to(Scope.authority(authority_b.pk)):
        template = shared.templates.get()
    download = client.get(f"/national/library/{shared.pk}/files/{template.pk}/")
    assert download.content == b"bravo checklist"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_computed_percentage_is_shared_and_a_measure_of_one_point_per_child_is_not(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    from permanence.web.improvement.models import Measure, MeasureKind, MeasureSource
    from permanence.web.improvement.views.measures import measure_series

    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    client = client_for(users_b[Role.DATA_LEAD])
    refused = client.post(
        "/national/library/publish/",
        {"change_idea": record_b.idea.pk, "measure": record_b.outcome.pk},
    )
    assert refused.status_code == 200
    assert "one point per child" in refused.content.decode()
    assert not SharedChangeIdea.everywhere.exists()
    with scoped_to(Scope.authority(authority_b.pk)):
        percent = Measure.objects.create(
            authority=authority_b,
            project=record_b.project,
            kind=MeasureKind.OUTCOME,
            title=f"{SECRET}percent met",
            source=MeasureSource.AIM_PERCENT,
            national_aim="aim_2",
            period="month",
        )
        series = measure_series(percent, authority_b.pk)
    response = client.post(
        "/national/library/publish/", {"change_idea": record_b.idea.pk, "measure": percent.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shared = SharedChangeIdea.everywhere.get()
    assert shared.chart_unit == "percent"
    # Every month of the computed series, each shown only as a whole percentage or
    # withheld: no numerator or denominator leaves the authority.
    assert [p["month"] for p in shared.chart] == [p.first.isoformat() for p in series.points]
    assert series.points
    for point, published in zip(series.points, shared.chart, strict=True):
        assert set(published) == {"month", "value", "hidden"}
        small = any(
            1 <= part < 5
            for part in (point.numerator, point.denominator, point.denominator - point.numerator)
        )
        assert published["hidden"] is small


def test_a_program_is_not_taken_as_a_template(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    upload = SimpleUploadedFile("agenda.exe", b"MZ", content_type="application/octet-stream")
    response = client_for(users_b[Role.DATA_LEAD]).post(
        "/national/library/publish/", {"change_idea": record_b.idea.pk, "template": upload}
    )
    assert response.status_code == 200
    assert "Choose a document" in response.content.decode()
    assert not SharedChangeIdea.everywhere.exists()


def test_browsing_by_aim_driver_and_stage(
    records: tuple[Record, Record],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    authority_b: LocalAuthority,
) -> None:
    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    with scoped_to(Scope.authority(authority_b.pk)):
        shared = learning.publish(record_b.idea, by=users_b[Role.DATA_LEAD], stage="assessment")
    assert learning.listed_ideas(stage="assessment") == [shared]
    assert learning.listed_ideas(stage="court") == []
    assert learning.listed_ideas(driver="LEARNING-secondary") == [shared]  # any case
    assert learning.listed_ideas(driver="nothing like it") == []
    assert learning.listed_ideas(aim="aim_2") == []  # B's project has a local aim
    page = client_for(users_a[Role.VIEWER]).get("/national/library/?stage=assessment")
    assert f"{SECRET}idea" in page.content.decode()


def test_adopting_copies_the_idea_into_the_adopters_driver_diagram_with_its_origin(
    records: tuple[Record, Record],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
) -> None:
    record_a, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    shared = publish_b(record_b, users_b[Role.DATA_LEAD])
    client = client_for(users_a[Role.PRACTITIONER])
    response = client.post(
        f"/national/library/{shared.pk}/adopt/",
        {"project": record_a.project.pk, "driver": record_a.secondary.pk},
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        adopted = ChangeIdea.objects.get(title=f"{SECRET}idea")
        assert adopted.authority_id == authority_a.pk
        assert list(adopted.drivers.all()) == [record_a.secondary]
        adoption = Adoption.objects.get(change_idea=adopted)
        assert adoption.origin == shared and adoption.adopted_by == users_a[Role.PRACTITIONER]
        assert "Bravo Council" in learning.origin_text(adoption)
    page = client.get(response["Location"]).content.decode()
    assert f"/national/library/{shared.pk}/" in page and "Adopted on" in page
    # B withdraws: A keeps its copy, and the origin no longer names B.
    consent(authority_b, users_b[Role.ADMINISTRATOR], False)
    with scoped_to(Scope.authority(authority_a.pk)):
        assert "Bravo" not in learning.origin_text(Adoption.objects.get(change_idea=adopted))
    assert client.get(f"/national/library/{shared.pk}/").status_code == 404
    # A driver of another of A's projects, or of B's, is refused.
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    refused = client.post(
        f"/national/library/{shared.pk}/adopt/",
        {"project": record_a.project.pk, "driver": record_b.secondary.pk},
    )
    assert refused.status_code == 400


def test_the_national_team_curates_and_nobody_else_does(
    records: tuple[Record, Record],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    authority_b: LocalAuthority,
) -> None:
    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    first = publish_b(record_b, users_b[Role.DATA_LEAD], with_file=False)
    duplicate = publish_b(record_b, users_b[Role.DATA_LEAD], with_file=False)
    national = client_for(_national())
    for role in (Role.ADMINISTRATOR, Role.DATA_LEAD):
        refused = client_for(users_a[role]).post(
            f"/national/library/{first.pk}/curate/", {"action": "feature"}
        )
        assert refused.status_code == 403
    national.post(f"/national/library/{first.pk}/curate/", {"action": "feature"})
    national.post(
        f"/national/library/{duplicate.pk}/curate/",
        {"action": "merge", "into": first.pk, "note": "the same idea"},
    )
    assert learning.listed_ideas() == [first]
    assert SharedChangeIdea.everywhere.get(pk=first.pk).featured
    merged_page = national.get(f"/national/library/{duplicate.pk}/").content.decode()
    assert "Merged" in merged_page and "the same idea" in merged_page
    national.post(f"/national/library/{first.pk}/curate/", {"action": "retire"})
    assert learning.listed_ideas() == []
    # Each curation is kept in the idea's history.
    with scoped_to(Scope.authority(authority_b.pk)):
        assert SharedChangeIdea.history.filter(id=first.pk).count() >= 3


def test_the_authority_takes_its_own_idea_out_of_the_library(
    records: tuple[Record, Record],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    authority_b: LocalAuthority,
) -> None:
    _, record_b = records
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    shared = publish_b(record_b, users_b[Role.DATA_LEAD])
    # Another authority cannot take it out.
    assert (
        client_for(users_a[Role.ADMINISTRATOR])
        .post(f"/national/library/{shared.pk}/unpublish/")
        .status_code
        == 404
    )
    client_for(users_b[Role.DATA_LEAD]).post(f"/national/library/{shared.pk}/unpublish/")
    assert (
        client_for(users_a[Role.VIEWER]).get(f"/national/library/{shared.pk}/").status_code == 404
    )


# ---- progress ---------------------------------------------------------------------------


def test_progress_is_recorded_with_its_history_and_shown_nationally_only_when_shared(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    _, record_b = records
    client = client_for(users_b[Role.DATA_LEAD])
    for assessed, phase, score in (
        ("2024-01-10", "baseline", "1.5"),
        ("2024-06-10", "testing", "3.0"),
    ):
        response = client.post(
            "/national/progress/ours/",
            {
                "project": record_b.project.pk,
                "phase": phase,
                "score": score,
                "assessed_on": assessed,
            },
        )
        assert response.status_code == 302
    refused = client.post(
        "/national/progress/ours/",
        {
            "project": record_b.project.pk,
            "phase": "testing",
            "score": "5.5",
            "assessed_on": "2024-07-01",
        },
    )
    assert refused.status_code == 200 and "Error" in refused.content.decode()
    national = client_for(_national())
    assert f"{SECRET}project" not in national.get("/national/progress/").content.decode()
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    [standing] = [s for s in learning.progress_across() if s.project == f"{SECRET}project"]
    assert (standing.current.phase, standing.current.score) == ("testing", Decimal("3.0"))
    assert [str(row.score) for row in standing.history] == ["3.0", "1.5"]
    csv_text = national.get("/national/progress.csv").content.decode()
    assert csv_text.count(f"{SECRET}project") == 2
    # Authorities' people do not see the national page.
    assert client.get("/national/progress/").status_code == 403


def test_the_national_overview_shows_progress_only_of_authorities_that_share(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    _, record_b = records
    client_for(users_b[Role.DATA_LEAD]).post(
        "/national/progress/ours/",
        {
            "project": record_b.project.pk,
            "phase": "implementing",
            "score": "3.5",
            "assessed_on": "2024-06-10",
        },
    )
    national = client_for(_national())

    def progress_section() -> str:
        page = national.get("/national/").content.decode()
        return page[page.index('id="progress"') : page.index('id="downloads"')]

    assert authority_b.name not in progress_section()
    consent(authority_b, users_b[Role.ADMINISTRATOR], True)
    shown = progress_section()
    assert authority_b.name in shown
    row = shown[shown.index(authority_b.name) :].split("</tr>", 1)[0]
    # B's projects: the one assessed is implementing (the third phase), scored 3.5 now.
    with scoped_to(Scope.authority(authority_b.pk)):
        projects = ImprovementProject.objects.count()
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', row)
    assert cells == [str(projects), "0", "0", "1", "0", "0", str(projects - 1), "3.5", "3.5"]
    consent(authority_b, users_b[Role.ADMINISTRATOR], False)
    assert authority_b.name not in progress_section()


# ---- an adviser's access ----------------------------------------------------------------


def _national(username: str = "national-adviser") -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"role": Role.NATIONAL})
    return user


def test_an_adviser_reads_the_improvement_record_until_the_access_ends(
    records: tuple[Record, Record],
    users_b: dict[Role, User],
    authority_b: LocalAuthority,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert records  # B has an improvement record to read
    adviser, other = _national(), _national("another-adviser")
    today = timezone.localdate()
    ends = today + timedelta(days=10)
    admin_b = client_for(users_b[Role.ADMINISTRATOR])
    response = admin_b.post(
        "/national/advisers/",
        {
            "adviser": adviser.pk,
            "starts_on": today.isoformat(),
            "ends_on": ends.isoformat(),
            "reason": "support with Aim 2",
        },
    )
    assert response.status_code == 302
    grant = AdviserGrant.everywhere.get()
    assert (grant.authority, grant.granted_by) == (authority_b, users_b[Role.ADMINISTRATOR])
    address = f"/national/advised/{grant.pk}/"

    reading = client_for(adviser)
    page = reading.get(address).content.decode()
    assert f"{SECRET}project" in page and f"{SECRET}learned" in page
    assert "B-SECRET-REF" not in page  # never a child's record
    assert (
        AdviserVisit.everywhere.filter(grant=grant, adviser=adviser).count() == 1
        if hasattr(AdviserVisit, "everywhere")
        else True
    )
    with scoped_to(Scope.authority(authority_b.pk)):
        assert AdviserVisit.objects.filter(grant=grant, adviser=adviser).count() == 1
    assert client_for(other).get(address).status_code == 404

    # The day before the access ends it is in force; on the day it ends it is not.
    def on(day: date) -> None:
        monkeypatch.setattr(learning_views.timezone, "localdate", lambda: day)

    on(ends - timedelta(days=1))
    assert reading.get(address).status_code == 200
    on(ends)
    assert reading.get(address).status_code == 404
    assert "Bravo" not in reading.get("/national/advised/").content.decode()
    on(today)

    # Revoked: refused at once, and the revocation is kept.
    admin_b.post(f"/national/advisers/{grant.pk}/revoke/")
    assert reading.get(address).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_by == users_b[Role.ADMINISTRATOR]
    with scoped_to(Scope.authority(authority_b.pk)):
        assert grant.history.count() == 2


def test_only_an_administrator_grants_and_only_to_the_national_team(
    authority_b: LocalAuthority, users_b: dict[Role, User]
) -> None:
    today = timezone.localdate()
    for role in (Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER):
        assert client_for(users_b[role]).get("/national/advisers/").status_code == 403
    response = client_for(users_b[Role.ADMINISTRATOR]).post(
        "/national/advisers/",
        {
            "adviser": users_b[Role.VIEWER].pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=5)).isoformat(),
            "reason": "not an adviser",
        },
    )
    assert response.status_code == 200
    assert not AdviserGrant.everywhere.exists()


def test_rows_made_before_any_decision_show_nowhere(
    records: tuple[Record, Record], users_a: dict[Role, User], authority_b: LocalAuthority
) -> None:
    # Even a row that reached the table without the publishing page (an import of old
    # data, a mistake in code) shows nowhere until the administrator consents.
    _, record_b = records
    SharingDecision.everywhere.filter(authority=authority_b).delete()
    with scoped_to(Scope.authority(authority_b.pk)):
        shared = SharedChangeIdea.objects.create(
            authority=authority_b, title=f"{SECRET}idea", description=f"{SECRET}learned"
        )
        ProjectProgress.objects.create(
            authority=authority_b,
            project=record_b.project,
            phase="baseline",
            score=Decimal("1.0"),
            note=f"{SECRET}score",
        )
    for reader in (users_a[Role.VIEWER], _national()):
        text = everything_a_reader_reaches(client_for(reader), shared)
        assert SECRET not in text and "Bravo" not in text
        assert f"/national/library/{shared.pk}/ 404" in text


def test_the_report_pack_reads_the_authoritys_own_progress_whatever_it_shares(
    records: tuple[Record, Record], users_b: dict[Role, User], authority_b: LocalAuthority
) -> None:
    from permanence.reports.content import ProgressAssessment
    from permanence.web.kernel.pack_progress import progress_items

    _, record_b = records
    client = client_for(users_b[Role.DATA_LEAD])
    for assessed, score in (("2024-01-10", "1.5"), ("2024-06-10", "2.5")):
        client.post(
            "/national/progress/ours/",
            {
                "project": record_b.project.pk,
                "phase": "testing",
                "score": score,
                "assessed_on": assessed,
            },
        )
    # Not shared with anyone: the authority's own pack still shows it, and only its own.
    with scoped_to(Scope.authority(authority_b.pk)):
        items = {item.project: item for item in progress_items()}
    item = items[f"{SECRET}project"]
    assert (item.phase, item.score, item.previous) == ("Testing", "2.5", "1.5")
    assert item.assessed_on == date(2024, 6, 10)
    # Its history, the earliest first, for the pack workbook's progress sheet.
    assert item.history == (
        ProgressAssessment(date(2024, 1, 10), "Testing", "1.5"),
        ProgressAssessment(date(2024, 6, 10), "Testing", "2.5"),
    )
    assert not any(name.startswith("alpha-") for name in items)
