"""The national workspace's addresses, under /national/.

Every page is for the national role except ``sharing``, where an authority's
administrator manages what the authority shares, and the pages of sharing learning
(``learning_views``: the change-idea library, progress, advisers' access) and the
published national statistics beside an authority's own (``statistics_views``), which say
on each view who may use it. No address names an authority.
"""

from django.urls import URLPattern, URLResolver, path

from permanence.web.national import learning_views as learning
from permanence.web.national import statistics_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="national-home"),
    path("aims/<str:aim_id>/", views.aim_detail, name="national-aim"),
    path("survival/", views.survival, name="national-survival"),
    path("stages/", views.stages, name="national-stages"),
    path("download/<str:name>.csv", views.download, name="national-download"),
    path("sharing/", views.sharing, name="national-sharing"),
    path("statistics/", statistics_views.statistics, name="national-statistics"),
    path("library/", learning.library, name="national-library"),
    path("library/publish/", learning.library_publish, name="national-library-publish"),
    path("library/<int:pk>/", learning.library_idea, name="national-library-idea"),
    path(
        "library/<int:pk>/files/<int:file_pk>/",
        learning.library_file,
        name="national-library-file",
    ),
    path(
        "library/<int:pk>/files/add/", learning.library_add_file, name="national-library-add-file"
    ),
    path("library/<int:pk>/adopt/", learning.library_adopt, name="national-library-adopt"),
    path(
        "library/<int:pk>/unpublish/", learning.library_unpublish, name="national-library-unpublish"
    ),
    path("library/<int:pk>/curate/", learning.library_curate, name="national-library-curate"),
    path("progress/", learning.progress_national, name="national-progress"),
    path("progress.csv", learning.progress_download, name="national-progress-download"),
    path("progress/ours/", learning.progress_ours, name="national-progress-ours"),
    path("advisers/", learning.advisers, name="national-advisers"),
    path("advisers/<int:pk>/revoke/", learning.adviser_revoke, name="national-adviser-revoke"),
    path("advised/", learning.advised, name="national-advised"),
    path("advised/<int:pk>/", learning.advised_record, name="national-advised-record"),
]
