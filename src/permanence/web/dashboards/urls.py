"""The dashboards' addresses. Filters travel in the query string, so every view (and
every download) can be bookmarked and shared."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.dashboards import phases, process_map, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("aims/<slug:aim_id>/", views.aim_detail, name="dashboard-aim"),
    path("aims/<slug:aim_id>/by-team/", views.aim_by_team, name="dashboard-aim-by-team"),
    path(
        "aims/<slug:aim_id>/phases/accept/", phases.accept_phase, name="dashboard-aim-phase-accept"
    ),
    path(
        "aims/<slug:aim_id>/phases/<int:pk>/undo/",
        phases.undo_phase,
        name="dashboard-aim-phase-undo",
    ),
    path(
        "aims/<slug:aim_id>/charts/<slug:chart>.<slug:fmt>",
        views.aim_chart,
        name="dashboard-aim-chart",
    ),
    path("where-children-wait/", views.stages, name="dashboard-stages"),
    path(
        "where-children-wait/charts/<slug:chart>.<slug:fmt>",
        views.stages_chart,
        name="dashboard-stages-chart",
    ),
    path("process-map/", process_map.process_map, name="dashboard-process-map"),
    path(
        "process-map/charts/<slug:chart>.<slug:fmt>",
        process_map.process_map_chart,
        name="dashboard-process-map-chart",
    ),
    path(
        "process-map/population/",
        process_map.population,
        name="dashboard-process-map-population",
    ),
    path(
        "process-map/steps/<slug:step>/note/",
        process_map.step_note,
        name="dashboard-process-map-note",
    ),
]
