"""The authority's sign-in policy and identity provider, in the administration site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from permanence.web.admin import AuthorityAdmin, HistoryAdmin, admin_site
from permanence.web.signin.models import ExternalIdentity, IdentityProvider, SignInPolicy


class OnePerAuthority(HistoryAdmin):
    """An authority has one of these: added once, then changed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not self.model._default_manager.exists()


@admin.register(SignInPolicy, site=admin_site)
class SignInPolicyAdmin(OnePerAuthority):
    list_display = ("__str__", "password_sign_in", "idle_minutes")


class IdentityProviderForm(forms.ModelForm):  # type: ignore[type-arg]
    issuer = forms.URLField(
        assume_scheme="https", help_text=IdentityProvider._meta.get_field("issuer").help_text
    )

    class Meta:
        model = IdentityProvider
        fields = (
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "claim",
            "matched_to",
            "require_verified_email",
            "enabled",
        )
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}

    def clean_client_secret(self) -> str:
        # An empty box keeps the secret already stored (it is never shown again).
        secret = str(self.cleaned_data.get("client_secret") or "")
        if not secret and self.instance.pk:
            return str(self.instance.client_secret)
        return secret


@admin.register(IdentityProvider, site=admin_site)
class IdentityProviderAdmin(OnePerAuthority):
    form = IdentityProviderForm
    list_display = ("name", "issuer", "client_id", "claim", "matched_to", "enabled")
    readonly_fields = ("redirect_address", "secret_from")

    @admin.display(description="Redirect address to register with the provider")
    def redirect_address(self, provider: IdentityProvider) -> str:
        from django.conf import settings
        from django.urls import reverse

        hosts = [host for host in settings.ALLOWED_HOSTS if "*" not in host and host[:1] != "."]
        return f"https://{hosts[0] if hosts else 'YOUR-ADDRESS'}{reverse('sso-callback')}"

    @admin.display(description="Client secret")
    def secret_from(self, provider: IdentityProvider) -> str:
        import os

        if not provider.pk:
            return "-"
        if os.environ.get(provider.secret_variable):
            return f"from the server's environment ({provider.secret_variable})"
        if provider.client_secret:
            return "stored here"
        return f"not set: set {provider.secret_variable} on the server, or type it here"


@admin.register(ExternalIdentity, site=admin_site)
class ExternalIdentityAdmin(AuthorityAdmin):
    """Which account at the provider each person signs in with, bound at their first
    sign-in. Deleting one lets the person be matched afresh (by email or username) at
    their next sign-in: for an account bound to the wrong person, or a new account at
    the provider."""

    list_display = ("user", "provider", "subject", "first_used")
    readonly_fields = ("user", "provider", "subject", "first_used")
    search_fields = ("user__username", "user__email", "subject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
