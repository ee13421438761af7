"""Review planning's addresses. The calendar feed lives under /calendar/ because it is
the one address opened by calendar apps rather than by people signed in."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.planning import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("planning/", views.due_mine, name="planning-mine"),
    path("planning/teams/<int:pk>/", views.due_team, name="planning-team"),
    path("planning/authority/", views.due_authority, name="planning-authority"),
    path("planning/children/<int:pk>/", views.child_plan, name="planning-child"),
    path("planning/summary/", views.summary, name="planning-summary"),
    path("planning/policy/", views.policy, name="planning-policy"),
    path("planning/notifications/", views.notifications, name="planning-notifications"),
    path(
        "planning/notifications/read/",
        views.notifications_read,
        name="planning-notifications-read",
    ),
    path("planning/feeds/", views.feed_list, name="planning-feeds"),
    path("planning/feeds/new/", views.feed_new, name="planning-feed-new"),
    path("planning/feeds/<int:pk>/revoke/", views.feed_revoke, name="planning-feed-revoke"),
    path("planning/feeds/<int:pk>/renew/", views.feed_renew, name="planning-feed-renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
