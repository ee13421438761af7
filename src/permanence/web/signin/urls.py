from django.urls import URLPattern, path

from permanence.web.signin import views

urlpatterns: list[URLPattern] = [
    path("code/", views.enter_code, name="second-factor"),
    path("second-factor/set-up/", views.set_up, name="second-factor-set-up"),
    path(
        "second-factor/recovery-codes/",
        views.new_recovery_codes,
        name="second-factor-recovery-codes",
    ),
    path("second-factor/remove/", views.remove_second_factor, name="second-factor-remove"),
    path("signing-in/", views.account, name="signing-in"),
    path("sso/callback/", views.sso_callback, name="sso-callback"),
    path("sso/<str:code>/", views.sso_start, name="sso-start"),
    path("sessions/<int:pk>/end/", views.end_one_session, name="session-end"),
]
