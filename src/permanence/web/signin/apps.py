from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "permanence.web.signin"
    label = "signin"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from permanence.web.signin.sessions import forget_session, note_session

        user_logged_in.connect(note_session, dispatch_uid="signin_note_session")
        user_logged_out.connect(forget_session, dispatch_uid="signin_forget_session")
