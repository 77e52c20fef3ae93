"""Sign-in, own account and tokens, and user administration pages."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts import selectors, services
from ims.accounts.forms import (
    LoginForm,
    MembershipForm,
    PasswordChangeForm,
    TokenForm,
    UserEditForm,
    UserForm,
)
from ims.accounts.permissions import Action, require
from ims.accounts.roles import ROLE_DESCRIPTIONS, Role
from ims.audit.selectors import history_of, own_history
from ims.core.errors import ConflictError, ImsError
from ims.org.models import Site
from ims.web.forms import apply_error

BACKEND = "ims.accounts.backends.LockoutAwareBackend"


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if result.user is not None:
            login(request, result.user, backend=BACKEND)
            return redirect(target)
        form.add_error(None, result.message)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": target},
        status=401 if request.method == "POST" else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_record(user=selectors.signed_in(request))
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


def account(request: HttpRequest) -> HttpResponse:
    user = selectors.signed_in(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("web:home")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "must_change": user.must_change_password,
            "history": list(own_history(user=user)[:20]),
        },
    )


def tokens(request: HttpRequest) -> HttpResponse:
    user = selectors.signed_in(request)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        expires_at = timezone.make_aware(datetime.combine(expires, time.max)) if expires else None
        try:
            token, plain = services.token_create(user=user, name=form.cleaned_data["name"], expires_at=expires_at)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            created = {"token": token, "plain": plain}
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": selectors.tokens_of(user),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.signed_in(request)
    try:
        token = services.token_revoke(by=user, token=selectors.token_get(user, pk))
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- user administration ---------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    users = selectors.user_list(request.user, q=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "querystring_prefix": f"q={q}&" if q else "",
            "roles": [(label, ROLE_DESCRIPTIONS[value]) for value, label in Role.choices],
        },
    )


def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_USERS, what="users")
    form = UserForm(request.POST or None)
    sites = list(Site.objects.filter(archived_at__isnull=True).values_list("pk", "name"))
    roles = MembershipForm(request.POST or None, sites=sites, prefix="m")
    if request.method == "POST" and form.is_valid() and roles.is_valid():
        try:
            user, password = services.user_create(
                by=request.user, memberships=_specs(roles.cleaned_data), **form.cleaned_data
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("User %(username)s created.") % {"username": user.username})
            return render(request, "accounts/password_shown.html", {"subject": user, "password": password})
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "roles": roles, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def _specs(data: dict[str, str]) -> list[services.MembershipSpec]:
    specs = []
    for key, role in data.items():
        if not role:
            continue
        site_id = None if key == "all" else int(key.removeprefix("site_"))
        specs.append(services.MembershipSpec(role=role, site_id=site_id))
    return specs


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_get(request.user, pk)
    initial = {
        "version": subject.version,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "is_active": subject.is_active,
    }
    form = UserEditForm(request.POST if request.POST.get("form") == "profile" else None, initial=initial)
    sites = list(Site.objects.values_list("pk", "name"))
    current = {("all" if m.site_id is None else f"site_{m.site_id}"): m.role for m in subject.memberships.all()}
    roles = MembershipForm(
        request.POST if request.POST.get("form") == "roles" else None,
        sites=sites,
        prefix="m",
        initial=current,
    )
    conflict = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.user_update(by=request.user, user=subject, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=pk)
    if request.method == "POST" and roles.is_bound and roles.is_valid():
        try:
            services.memberships_set(by=request.user, user=subject, specs=_specs(roles.cleaned_data))
        except ImsError as exc:
            apply_error(request, roles, exc)
        else:
            messages.success(request, _("Roles saved."))
            return redirect("accounts:user_detail", pk=pk)
    status = 422 if (form.errors or roles.errors) else 200
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "form": form,
            "roles": roles,
            "conflict": conflict,
            "history": list((history_of(user=request.user, record_type="accounts.user", record_id=str(pk)) or [])[:50]),
        },
        status=409 if conflict is not None else status,
    )


@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_get(request.user, pk)
    password = services.password_reset(by=request.user, user=subject)
    return render(request, "accounts/password_shown.html", {"subject": subject, "password": password, "reset": True})


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_get(request.user, pk)
    try:
        services.user_unlock(by=request.user, user=subject)
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("%(user)s can sign in again.") % {"user": subject})
    return redirect("accounts:user_detail", pk=pk)
