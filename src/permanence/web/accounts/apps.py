from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "permanence.web.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from permanence.web.accounts.models import Team
        from permanence.web.accounts.signals import note_sign_in
        from permanence.web.kernel.versions import move_on_when_changed

        move_on_when_changed(Team)  # the pages' team filter lists the teams

        # A person's history holds changes made to them (a role given, an account
        # closed), not every sign-in: Django's own receiver would add a version each time.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(note_sign_in, dispatch_uid="update_last_login")
