"""What every "new" and "change" page does: a valid form sent is saved and the person is
sent on with a banner saying what was done; otherwise the form is shown (again, with its
errors). The apps' own page helpers (``improvement.views._common.save_page``, the
meetings' pages) are this, with their own template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

#: Said, or the address to go to, fixed or worked out from what was saved.
Said = str | Callable[[Any], str]


def done(request: HttpRequest, said: str, url: str) -> HttpResponseRedirect:
    """After a change: go to ``url``, whose page says what was done (a banner)."""
    messages.success(request, said)
    return HttpResponseRedirect(url)


def save_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    said: Said,
    then: Said,
    show: Callable[[], HttpResponse],
    save: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """Save a valid form sent (``save(form)``, or ``form.save()``), then go to ``then``
    saying ``said``; either may be worked out from what was saved. Otherwise ``show()``
    the page with the form."""
    if request.method == "POST" and form.is_valid():
        saved = save(form) if save is not None else form.save()  # type: ignore[attr-defined]
        return done(
            request,
            said(saved) if callable(said) else said,
            then(saved) if callable(then) else then,
        )
    return show()
