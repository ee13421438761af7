"""A real OpenID Connect provider for the tests: django-oauth-toolkit in its own Django
project, run in its own process on a free port (``tests/web/signin/provider.py`` starts it).

It signs ID tokens with an RSA key the tests make, publishes its discovery document and
keys, and has a plain sign-in form. Three addresses under ``/control/`` let a test add
people and make the provider misbehave as a broken or hostile one would: return an ID
token that expired an hour ago (signed properly), or one whose claims were changed after
it was signed.
"""

from __future__ import annotations

import base64
import json
import os
from html import escape
from typing import Any

SECRET_KEY = "test-provider-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "provider_site"
USE_TZ = True
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DATABASE"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
SESSION_COOKIE_NAME = "provider_session"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES: list[dict[str, Any]] = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("PROVIDER_RSA_KEY", ""),
    "OIDC_ISS_ENDPOINT": os.environ.get("PROVIDER_ISSUER", ""),
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Signed out at once when the request names the person's own ID token.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "provider_site.Validator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Email", "profile": "Profile"},
    "PKCE_REQUIRED": True,
}

# ---- the provider's behaviour -------------------------------------------------------

MODE = {"value": "normal"}


def _validator_base() -> Any:
    from oauth2_provider.oauth2_validators import OAuth2Validator

    return OAuth2Validator


def __getattr__(name: str) -> Any:
    # The validator class can only be made once Django's apps are loaded.
    if name == "Validator":

        class Validator(_validator_base()):  # type: ignore[misc]
            def get_additional_claims(self, request: Any) -> dict[str, Any]:
                user = request.user
                return {
                    "email": user.email,
                    "email_verified": not user.groups.filter(name="unverified").exists(),
                    "preferred_username": user.username,
                    "name": user.get_full_name() or user.username,
                }

        return Validator
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def _urlpatterns() -> list[Any]:
    from django.contrib.auth import authenticate, login
    from django.contrib.auth.models import Group, User
    from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt
    from oauth2_provider.models import get_application_model
    from oauth2_provider.settings import oauth2_settings
    from oauth2_provider.views import TokenView

    def sign_in(request: HttpRequest) -> HttpResponse:
        next_url = request.GET.get("next") or request.POST.get("next") or "/"
        message = ""
        if request.method == "POST":
            user = authenticate(
                request,
                username=request.POST.get("username"),
                password=request.POST.get("password"),
            )
            if user is not None:
                login(request, user)
                return HttpResponseRedirect(next_url)
            message = "<p>Wrong username or password.</p>"
        return HttpResponse(
            "<!doctype html><html lang='en'><head><title>Council sign-in</title></head>"
            "<body><main><h1>Council account</h1>" + message + "<form method='post'>"
            f"<input type='hidden' name='next' value='{escape(next_url)}'>"
            "<label for='u'>Email or username</label><input id='u' name='username'>"
            "<label for='p'>Password</label><input id='p' name='password' type='password'>"
            "<button type='submit'>Sign in to the council</button></form></main></body></html>"
        )

    class Token(TokenView):  # type: ignore[misc]
        def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            oauth2_settings.ID_TOKEN_EXPIRE_SECONDS = -3600 if MODE["value"] == "expired" else 600
            response: HttpResponse = super().post(request, *args, **kwargs)
            if MODE["value"] == "tampered" and response.status_code == 200:
                body = json.loads(response.content)
                header, payload, signature = body["id_token"].split(".")
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                claims["email"] = MODE.get("email", "someone.else@example.invalid")
                claims["sub"] = "someone-else"
                forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
                body["id_token"] = ".".join([header, forged.decode(), signature])
                response.content = json.dumps(body).encode()
            return response

    @csrf_exempt
    def control_mode(request: HttpRequest) -> HttpResponse:
        MODE.update(json.loads(request.body))
        return JsonResponse(MODE)

    @csrf_exempt
    def control_person(request: HttpRequest) -> HttpResponse:
        data = json.loads(request.body)
        user, _ = User.objects.update_or_create(
            username=data["username"], defaults={"email": data.get("email", "")}
        )
        user.set_password(data["password"])
        user.save()
        unverified, _ = Group.objects.get_or_create(name="unverified")
        if data.get("verified", True):
            user.groups.remove(unverified)
        else:
            user.groups.add(unverified)
        return JsonResponse({"sub": str(user.pk)})

    @csrf_exempt
    def control_client(request: HttpRequest) -> HttpResponse:
        data = json.loads(request.body)
        application_model = get_application_model()
        application_model.objects.filter(client_id=data["client_id"]).delete()
        application_model.objects.create(
            name="permanence",
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(data["redirect_uris"]),
            post_logout_redirect_uris=" ".join(data.get("post_logout_redirect_uris", [])),
            algorithm=application_model.RS256_ALGORITHM,
            skip_authorization=True,
        )
        return JsonResponse({"ok": True})

    return [
        path("login/", csrf_exempt(sign_in)),
        path("o/token/", csrf_exempt(Token.as_view())),
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("control/mode/", control_mode),
        path("control/person/", control_person),
        path("control/client/", control_client),
    ]
