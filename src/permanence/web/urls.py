from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path

from permanence.web.accounts.access import public
from permanence.web.admin import admin_site
from permanence.web.children import milestones as child_milestones
from permanence.web.children import reviewing, sibling_views
from permanence.web.children import views as children
from permanence.web.signin import views as signin
from permanence.web.signin.forms import PasswordResetForm


@public
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever a page links to: send them the static icon.

    Not a permanent redirect: the icon's address carries its hash, which changes with it.
    """
    return HttpResponseRedirect(static("permanence/favicon.svg"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("permanence.web.dashboards.urls")),
    path("children/", children.child_list, name="child-list"),
    path("children/<int:pk>/", children.child_journey, name="child-journey"),
    path(
        "children/<int:pk>/milestones/new/",
        child_milestones.milestone_new,
        name="child-milestone-new",
    ),
    path(
        "children/milestones/<int:pk>/",
        child_milestones.milestone_edit,
        name="child-milestone-edit",
    ),
    path(
        "children/milestones/<int:pk>/remove/",
        child_milestones.milestone_remove,
        name="child-milestone-remove",
    ),
    path("children/<int:pk>/siblings/", sibling_views.child_siblings, name="children-siblings"),
    path(
        "children/siblings/<int:pk>/remove/",
        sibling_views.remove_sibling,
        name="children-sibling-remove",
    ),
    path("reviews/", reviewing.reviewing_officer, name="children-reviewing"),
    path("accounts/login/", public(signin.SignInView.as_view()), name="login"),
    path("accounts/logout/", signin.sign_out, name="logout"),
    path(
        "accounts/password-reset/",
        public(auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        public(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("accounts/", include("permanence.web.signin.urls")),
    path("", include("permanence.web.planning.urls")),
    path("", include("permanence.web.meetings.urls")),
    path("improvement/", include("permanence.web.improvement.urls")),
    path("imports/", include("permanence.web.records.import_urls")),
    path("data-quality/", include("permanence.web.records.query_urls")),
    path("national/", include("permanence.web.national.urls")),
    path("reports/", include("permanence.web.reports.urls")),
    path("work/", include("permanence.web.tasks.urls")),
    path("admin/", admin_site.urls),
    path("favicon.ico", favicon, name="favicon"),
]
