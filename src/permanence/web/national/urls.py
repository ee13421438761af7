"""The national workspace's addresses, under /national/.

Every page is for the national role except ``sharing``, where an authority's
administrator manages what the authority shares: no address names an authority.
"""

from django.urls import URLPattern, URLResolver, path

from permanence.web.national import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="national-home"),
    path("aims/<str:aim_id>/", views.aim_detail, name="national-aim"),
    path("survival/", views.survival, name="national-survival"),
    path("stages/", views.stages, name="national-stages"),
    path("download/<str:name>.csv", views.download, name="national-download"),
    path("sharing/", views.sharing, name="national-sharing"),
]
