"""Helpers that turn service refusals into form errors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, QueryDict

from ims.core.errors import ConflictError, ImsError, PermissionRefused, ValidationFailed


def apply_error(request: HttpRequest, form: forms.Form, exc: ImsError) -> None:
    """Show a service's refusal on the form it came from; nothing was saved.

    A permission refusal is not a form error: it goes on to the 403 page.
    """
    if isinstance(exc, PermissionRefused):
        raise exc
    if isinstance(exc, ValidationFailed):
        for field, msgs in exc.errors.items():
            target = field if field in form.fields else None
            for msg in msgs:
                form.add_error(target, msg if target else f"{field}: {msg}" if field != "__all__" else msg)
        return
    if isinstance(exc, ConflictError) and "version" in form.fields and isinstance(form.data, QueryDict):
        # Let the person resubmit knowingly: the form now carries the current version.
        data = form.data.copy()
        data["version"] = str(exc.current_version)
        form.data = data
    form.add_error(None, exc.detail)
    if not isinstance(exc, ConflictError):
        messages.error(request, exc.detail)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
