"""The improvement record's addresses, under /improvement/. Every parameter is the
primary key of the row the page is about, reached through the authority scope."""

from django.urls import URLPattern, URLResolver, path

from permanence.web.improvement.views import cycles, diagram, measures, notes, projects, register

urlpatterns: list[URLPattern | URLResolver] = [
    path("", projects.project_list, name="improvement-projects"),
    path("projects/new/", projects.project_new, name="improvement-project-new"),
    path("projects/<int:pk>/", projects.project_detail, name="improvement-project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="improvement-project-edit"),
    path("projects/<int:pk>/members/new/", projects.member_new, name="improvement-member-new"),
    path("members/<int:pk>/edit/", projects.member_edit, name="improvement-member-edit"),
    path("members/<int:pk>/remove/", projects.member_remove, name="improvement-member-remove"),
    # Local aims
    path("aims/", projects.aim_list, name="improvement-aims"),
    path("aims/new/", projects.aim_new, name="improvement-aim-new"),
    path("aims/<int:pk>/", projects.aim_detail, name="improvement-aim"),
    path("aims/<int:pk>/edit/", projects.aim_edit, name="improvement-aim-edit"),
    # The driver diagram
    path("projects/<int:pk>/diagram/", diagram.diagram, name="improvement-diagram"),
    path("projects/<int:pk>/diagram.svg", diagram.diagram_svg, name="improvement-diagram-svg"),
    path(
        "projects/<int:pk>/diagram.md",
        diagram.diagram_markdown,
        name="improvement-diagram-markdown",
    ),
    path(
        "projects/<int:pk>/drivers/new/",
        diagram.primary_driver_new,
        name="improvement-primary-driver-new",
    ),
    path(
        "projects/<int:pk>/drivers/new-secondary/",
        diagram.secondary_driver_new,
        name="improvement-secondary-driver-new",
    ),
    path("drivers/<int:pk>/edit/", diagram.driver_edit, name="improvement-driver-edit"),
    path("drivers/<int:pk>/move/", diagram.driver_move, name="improvement-driver-move"),
    path("drivers/<int:pk>/remove/", diagram.driver_remove, name="improvement-driver-remove"),
    # Change ideas and PDSA cycles
    path("projects/<int:pk>/ideas/", cycles.idea_list, name="improvement-ideas"),
    path("projects/<int:pk>/ideas/new/", cycles.idea_new, name="improvement-idea-new"),
    path("ideas/<int:pk>/", cycles.idea_detail, name="improvement-idea"),
    path("ideas/<int:pk>/edit/", cycles.idea_edit, name="improvement-idea-edit"),
    path("ideas/<int:pk>/move/", cycles.idea_move, name="improvement-idea-move"),
    path("ideas/<int:pk>/remove/", cycles.idea_remove, name="improvement-idea-remove"),
    path("ideas/<int:pk>/cycles/new/", cycles.cycle_new, name="improvement-cycle-new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="improvement-cycle"),
    path("cycles/<int:pk>/edit/", cycles.cycle_edit, name="improvement-cycle-edit"),
    path("cycles/<int:pk>/close/", cycles.cycle_close, name="improvement-cycle-close"),
    # Measures
    path("projects/<int:pk>/measures/", measures.measure_list, name="improvement-measures"),
    path("projects/<int:pk>/measures/new/", measures.measure_new, name="improvement-measure-new"),
    path("measures/<int:pk>/", measures.measure_detail, name="improvement-measure"),
    path("measures/<int:pk>/data.csv", measures.measure_csv, name="improvement-measure-csv"),
    path("measures/<int:pk>/edit/", measures.measure_edit, name="improvement-measure-edit"),
    path("measures/<int:pk>/remove/", measures.measure_remove, name="improvement-measure-remove"),
    path("measures/<int:pk>/values/", measures.measure_values, name="improvement-measure-values"),
    path(
        "measures/<int:pk>/values/add/",
        measures.measure_value_add,
        name="improvement-measure-value-add",
    ),
    path(
        "values/<int:pk>/remove/",
        measures.measure_value_remove,
        name="improvement-measure-value-remove",
    ),
    # Notes typed on the charts' points (an aim's charts and the measures' charts)
    path("notes/add/", notes.note_add, name="improvement-chart-note-add"),
    path("notes/<int:pk>/edit/", notes.note_edit, name="improvement-chart-note-edit"),
    path("notes/<int:pk>/remove/", notes.note_remove, name="improvement-chart-note-remove"),
    # Views of children, parents and carers; risks and issues
    path("projects/<int:pk>/feedback/", register.feedback_list, name="improvement-feedback"),
    path("projects/<int:pk>/feedback/new/", register.feedback_new, name="improvement-feedback-new"),
    path("projects/<int:pk>/risks/", register.risk_list, name="improvement-risks"),
    path("projects/<int:pk>/risks/new/", register.risk_new, name="improvement-risk-new"),
    path("risks/<int:pk>/edit/", register.risk_edit, name="improvement-risk-edit"),
]
