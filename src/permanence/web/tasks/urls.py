"""The addresses of long work: a job's progress, and the status page (under /work/)."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.tasks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.status, name="tasks-status"),
    path("<int:pk>/progress.json", views.progress, name="task-progress"),
]
