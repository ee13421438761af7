"""The report pack's addresses, under /reports/. A pack's token picks it from the signed-in
person's own authority's packs, and nobody else's."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.reports import group, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.pack, name="reports-pack"),
    path("making/<int:pk>/", views.making, name="reports-pack-making"),
    path("waiting/<slug:ref>/", views.waiting, name="reports-pack-waiting"),
    path("packs/<slug:token>/", views.ready, name="reports-pack-ready"),
    path("packs/<slug:token>/<slug:fmt>", views.download, name="reports-pack-file"),
    path("group/", group.group_meetings, name="reports-group"),
    path("group/new/", group.group_meeting_new, name="reports-group-new"),
    path("group/<int:pk>/", group.group_meeting, name="reports-group-meeting"),
    path("group/<int:pk>/change/", group.group_meeting_edit, name="reports-group-edit"),
    path("group/<int:pk>/actions/new/", group.group_action_new, name="reports-group-action-new"),
    path("group/actions/<int:pk>/", group.group_action_edit, name="reports-group-action"),
]
