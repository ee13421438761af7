from django.urls import path

from permanence.web.records import milestone_views
from permanence.web.records import query_views as views

urlpatterns = [
    path("not-in-extract/", views.absent_records, name="absent-records"),
    path("not-in-extract/<int:pk>/keep/", views.absent_keep, name="absent-keep"),
    path("not-in-extract/<int:pk>/remove/", views.absent_remove, name="absent-remove"),
    path("children/<int:child_pk>/answer/", views.query_answer, name="query-answer"),
    path("answers/<int:pk>/withdraw/", views.query_withdraw, name="query-withdraw"),
    path(
        "milestones-that-differ/",
        milestone_views.milestones_that_differ,
        name="milestones-that-differ",
    ),
]
