"""Signing in with a password and a second factor, and a person's own sign-in page.

A right password does not sign anyone in by itself when the person has a second factor
(or must have one): the browser holds a *pending* sign-in for five minutes, and the
person is signed in only once a code from their authenticator app, or one of their
recovery codes, is right. A wrong code counts as a failed sign-in for django-axes, the
same as a wrong password, so the account is locked after the same few failures.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from permanence.web.accounts import second_factor
from permanence.web.accounts.access import public, signed_in
from permanence.web.accounts.throttling import locked_out
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin import sso
from permanence.web.signin.forms import CodeForm, ConfirmAppForm
from permanence.web.signin.models import IdentityProvider, SignedInSession
from permanence.web.signin.sessions import METHOD, end_session, open_sessions, policy_for

logger = logging.getLogger(__name__)

SIGN_IN_ELSEWHERE = (
    "Your authority signs in through its own account, not a password here. "
    "Use the button for your authority below."
)


def enabled_providers() -> list[IdentityProvider]:
    """Every authority's identity provider, for the sign-in page's buttons."""
    with scoped_to(Scope.everything()):
        return list(
            IdentityProvider.objects.filter(enabled=True)
            .select_related("authority")
            .order_by("authority__name")
        )


class SignInView(LoginView):
    """Django's sign-in page, with a second step for people who have a second factor."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = enabled_providers()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not policy_for(user.authority_id).password_sign_in:
            form.add_error(None, SIGN_IN_ELSEWHERE)
            return self.render_to_response(
                self.get_context_data(form=form, password_off=SIGN_IN_ELSEWHERE)
            )
        request = self.request
        if second_factor.has_second_factor(user):
            second_factor.start_pending(request, user, self.get_success_url())
            return redirect("second-factor")
        if second_factor.required_for(user):
            second_factor.start_pending(request, user, self.get_success_url())
            messages.info(
                request,
                "Your role needs a second factor to sign in: set up an authenticator app now.",
            )
            return redirect("second-factor-set-up")
        setattr(request, METHOD, SignedInSession.Method.PASSWORD)
        return super().form_valid(form)


def finish_sign_in(
    request: HttpRequest, user: Any, backend: str, method: str, device: Device | None = None
) -> None:
    setattr(request, METHOD, method)
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)


@public
def enter_code(request: HttpRequest) -> HttpResponseBase:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = second_factor.pending_user(request)
    data = second_factor.pending(request)
    if user is None or data is None or not second_factor.has_second_factor(user):
        request.session.pop(second_factor.PENDING, None)
        messages.info(request, "Sign in again: it has been more than five minutes.")
        return redirect("login")
    credentials = {"username": user.get_username()}
    if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(second_factor.PENDING, None)
        return locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "That code is not right: check the app and try again")
            # Counted like a wrong password: the account locks after the same few failures
            # (axes' middleware answers with the locked-out page when this one locks it).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        else:
            request.session.pop(second_factor.PENDING, None)
            finish_sign_in(
                request,
                user,
                data["backend"],
                SignedInSession.Method.PASSWORD_AND_CODE,
                device,
            )
            if isinstance(device, StaticDevice):
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code: it will not work again. You have {left} left; "
                    "make new ones on your Signing in page if you are running out.",
                )
            return redirect(data["next"] or settings.LOGIN_REDIRECT_URL)
    return render(request, "signin/enter_code.html", {"form": form})


@public
def set_up(request: HttpRequest) -> HttpResponseBase:
    """Set up an authenticator app: while signing in (when the role needs one), or later."""
    signing_in = not request.user.is_authenticated
    user = second_factor.pending_user(request) if signing_in else request.user
    if user is None:
        return redirect("login")
    if signing_in and second_factor.has_second_factor(user):
        # Half-way through signing in, only a person with no app yet may set one up: one
        # who has an app proves it with a code first (else a password would replace it).
        return redirect("second-factor")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(second_factor.SETTING_UP), user=user, confirmed=False
    ).first()
    if device is None:
        device = second_factor.new_authenticator(user)
        request.session[second_factor.SETTING_UP] = device.pk
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm(user, device, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", "That code is not right: check the app shows permanence")
            if signing_in:
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=request,
                )
        else:
            request.session.pop(second_factor.SETTING_UP, None)
            next_url = settings.LOGIN_REDIRECT_URL
            if signing_in:
                data = second_factor.pending(request) or {}
                request.session.pop(second_factor.PENDING, None)
                next_url = data.get("next") or next_url
                finish_sign_in(
                    request,
                    user,
                    data.get("backend", settings.AUTHENTICATION_BACKENDS[-1]),
                    SignedInSession.Method.PASSWORD_AND_CODE,
                    device,
                )
            second_factor.note_in_history(user, "set up a second factor (an authenticator app)")
            return render(
                request,
                "signin/recovery_codes.html",
                {"codes": codes, "next_url": resolve_url(next_url)},
            )
    return render(
        request,
        "signin/set_up.html",
        {
            "form": form,
            "qr_code": second_factor.qr_code(device),
            "key": second_factor.secret_key_text(device),
            "signing_in": signing_in,
        },
    )


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    """A person's own page: their second factor and the places they are signed in."""
    user = request.user
    return render(
        request,
        "signin/account.html",
        {
            "has_second_factor": second_factor.has_second_factor(user),
            "required": second_factor.required_for(user),
            "codes_left": second_factor.recovery_codes_left(user),
            "sessions": open_sessions(user),
            "this_session": request.session.session_key,
            "idle_minutes": policy_for(getattr(user, "authority_id", None)).idle_minutes,
        },
    )


@signed_in
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not second_factor.has_second_factor(request.user):
        return redirect("signing-in")
    codes = second_factor.new_recovery_codes(request.user)
    second_factor.note_in_history(request.user, "made new recovery codes")
    return render(
        request,
        "signin/recovery_codes.html",
        {"codes": codes, "next_url": resolve_url("signing-in")},
    )


@signed_in
@require_POST
def remove_second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.required_for(user):
        messages.error(request, "Your role must have a second factor: replace it instead.")
    else:
        second_factor.remove(user)
        second_factor.note_in_history(user, "removed their second factor")
        messages.success(request, "Your second factor is removed.")
    return redirect("signing-in")


@signed_in
@require_POST
def end_one_session(request: HttpRequest, pk: int) -> HttpResponse:
    if end_session(request.user, pk):
        messages.success(request, "That session has ended: it is signed out.")
    return redirect("signing-in")


#: What the session keeps of a sign-in through the provider, for signing out there too.
SSO_STARTED = "sso_started"
SSO_SIGNED_IN = "sso_signed_in"


def _provider(authority_id: int | None = None, code: str | None = None) -> IdentityProvider:
    with scoped_to(Scope.everything()):
        providers = IdentityProvider.objects.filter(enabled=True).select_related("authority")
        found = (
            providers.filter(authority__code__iexact=code).first()
            if code is not None
            else providers.filter(authority_id=authority_id).first()
        )
    if found is None:
        raise Http404("No identity provider here")
    return found


@public
def sso_start(request: HttpRequest, code: str) -> HttpResponseBase:
    """Send the browser to the authority's identity provider."""
    provider = _provider(code=code)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    request.session[SSO_STARTED] = {"authority": provider.authority_id, "next": next_url}
    try:
        response: HttpResponseBase = sso.client_for(provider).authorize_redirect(
            request, request.build_absolute_uri(reverse("sso-callback"))
        )
    except (OSError, ValueError, RuntimeError) as error:  # the provider cannot be reached
        logger.warning("single sign-on for %s could not start: %s", provider.authority, error)
        return _refused(
            request,
            f"{provider.name} cannot be reached just now. Try again in a few minutes; "
            "if it goes on, tell your authority's administrator.",
            status=502,
        )
    return response


@public
def sso_callback(request: HttpRequest) -> HttpResponseBase:
    """The provider sends the browser back here with a code; the code buys the tokens."""
    started = request.session.pop(SSO_STARTED, None)
    if not started:
        return _refused(request, "That sign-in had expired or was not started here.")
    provider = _provider(authority_id=started["authority"])
    try:
        token = sso.client_for(provider).authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims:
            raise sso.RefusedError("The sign-in could not be checked.", "no ID token")
        user = sso.match_person(provider, dict(claims))
    except sso.RefusedError as refusal:
        logger.warning("single sign-on refused for %s: %s", provider.authority, refusal.logged)
        return _refused(request, refusal.message)
    except Exception as error:
        logger.warning(
            "single sign-on refused for %s: %s: %s",
            provider.authority,
            type(error).__name__,
            error,
        )
        return _refused(
            request,
            "The sign-in could not be checked, so it was refused. Try again; if it goes on, "
            "tell your authority's administrator.",
        )
    finish_sign_in(
        request,
        user,
        "django.contrib.auth.backends.ModelBackend",
        SignedInSession.Method.SINGLE_SIGN_ON,
    )
    request.session[SSO_SIGNED_IN] = {
        "authority": provider.authority_id,
        "id_token": token.get("id_token", ""),
    }
    return redirect(started.get("next") or settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "signin/refused.html", {"message": message}, status=status)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponseBase:
    """End the session here; after single sign-on, offer to sign out at the provider too."""
    through = request.session.get(SSO_SIGNED_IN)
    logout(request)
    if not through:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    provider_sign_out = ""
    name = ""
    try:
        provider = _provider(authority_id=through["authority"])
        name = provider.name
        provider_sign_out = sso.client_for(provider).create_logout_url(
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
            id_token_hint=through.get("id_token") or None,
            client_id=provider.client_id,
        )["url"]
    except (Http404, OSError, ValueError, RuntimeError, KeyError) as error:
        logger.info("no sign-out address at the provider: %s", error)
    return render(
        request,
        "signin/signed_out.html",
        {"provider_sign_out": provider_sign_out, "provider_name": name},
    )
