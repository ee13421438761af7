"""The report pack's addresses, under /reports/. A pack's token picks it from the signed-in
person's own authority's packs, and nobody else's."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.reports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.pack, name="reports-pack"),
    path("making/<int:pk>/", views.making, name="reports-pack-making"),
    path("waiting/<slug:ref>/", views.waiting, name="reports-pack-waiting"),
    path("packs/<slug:token>/", views.ready, name="reports-pack-ready"),
    path("packs/<slug:token>/<slug:fmt>", views.download, name="reports-pack-file"),
]
