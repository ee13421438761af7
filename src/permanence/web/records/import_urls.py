from django.urls import path

from permanence.web.records import import_views as views

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("new/", views.import_new, name="import-new"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/load/", views.import_load, name="import-load"),
    path("<int:pk>/discard/", views.import_discard, name="import-discard"),
    path("<int:pk>/data-quality.xlsx", views.import_quality_report, name="import-quality-report"),
]
