"""What the improvement record's views share: the signed-in person, saving new rows in
their authority, and the one form page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar, cast

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Capability
from permanence.web.kernel import pages as kernel_pages

M = TypeVar("M", bound=models.Model)


def today() -> date:
    return timezone.localdate()


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def authority_of(request: HttpRequest) -> LocalAuthority:
    authority = person(request).authority
    assert authority is not None  # requires() refuses people without an authority
    return authority


def authority_id_of(request: HttpRequest) -> int:
    """The signed-in person's authority's id, without fetching the authority."""
    authority_id = person(request).authority_id
    assert authority_id is not None  # requires() refuses people without an authority
    return authority_id


def can_edit(request: HttpRequest) -> bool:
    return person(request).can(Capability.EDIT_IMPROVEMENT)


def bind(form_class: type[forms.ModelForm], request: HttpRequest, **kwargs: Any) -> Any:  # type: ignore[type-arg]
    """The form bound to the request's POST data (unbound on GET), its new instance
    already owned by the person's authority so validation sees the right scope."""
    data = request.POST if request.method == "POST" else None
    form = form_class(data, **kwargs)
    if form.instance.pk is None:
        form.instance.authority = authority_of(request)
        if any(f.name == "created_by" for f in form.instance._meta.fields):
            form.instance.created_by = person(request)
    return form


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    cancel: str,
    lead: str = "",
    submit: str = "Save",
    extra: Mapping[str, Any] | None = None,
    template: str = "improvement/form_page.html",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "lead": lead,
        "cancel": cancel,
        "submit": submit,
        **(extra or {}),
    }
    return render(request, template, context)


def redirect(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url)


done = kernel_pages.done


def confirm_page(
    request: HttpRequest, *, title: str, consequence: str, cancel: str
) -> HttpResponse:
    return render(
        request,
        "improvement/confirm.html",
        {"title": title, "consequence": consequence, "cancel": cancel},
    )


def save_page(
    request: HttpRequest,
    form: forms.ModelForm,  # type: ignore[type-arg]
    *,
    said: str,
    then: str,
    **page: Any,
) -> HttpResponse:
    """Every "new" and "change" page: a valid form sent is saved, the person is sent on to
    ``then`` with ``said`` in a banner; otherwise the form is shown (again, with its
    errors) by ``form_page`` with ``page``'s title, lead, cancel and submit."""
    return kernel_pages.save_page(
        request, form, said=said, then=then, show=lambda: form_page(request, form, **page)
    )


def remove_page(
    request: HttpRequest,
    row: models.Model,
    *,
    said: str,
    then: str,
    title: str,
    consequence: str,
    cancel: str,
) -> HttpResponse:
    """Every "remove" page: asks first (what removing it takes with it), removes on POST."""
    if request.method == "POST":
        row.delete()
        return done(request, said, then)
    return confirm_page(request, title=title, consequence=consequence, cancel=cancel)
