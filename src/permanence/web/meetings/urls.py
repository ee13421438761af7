"""The addresses of planning meetings and decisions."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.meetings import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("children/<int:pk>/meetings/", views.child_meetings, name="meetings-child"),
    path("children/<int:pk>/meetings/new/", views.meeting_new, name="meetings-new"),
    path("children/<int:pk>/decisions/new/", views.decision_new, name="meetings-decision-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meetings-meeting"),
    path("meetings/<int:pk>/change/", views.meeting_edit, name="meetings-meeting-edit"),
    path("meetings/<int:pk>/actions/new/", views.action_new, name="meetings-action-new"),
    path("meetings/actions/<int:pk>/", views.action_edit, name="meetings-action-edit"),
    path("meetings/decisions/<int:pk>/", views.decision_edit, name="meetings-decision-edit"),
    path("meetings/dates-that-differ/", views.date_differences, name="meetings-differences"),
    path(
        "meetings/decision-dates-that-differ/",
        views.decision_date_differences,
        name="meetings-decision-differences",
    ),
    path(
        "meetings/checklists-that-differ/",
        views.checklist_differences,
        name="meetings-checklist-differences",
    ),
    path("meetings/agendas/", views.agendas, name="meetings-agendas"),
    path("meetings/agendas/new/<slug:kind>/", views.agenda_new, name="meetings-agenda-new"),
    path(
        "meetings/agendas/local/<int:pk>/new/",
        views.agenda_new_local,
        name="meetings-agenda-new-local",
    ),
    path(
        "meetings/agendas/versions/<int:pk>/", views.agenda_version, name="meetings-agenda-version"
    ),
]
