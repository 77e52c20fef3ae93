"""Dashboard and site switcher."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ims.accounts.models import User
from ims.accounts.permissions import Action, can
from ims.accounts.selectors import signed_in, tokens_of
from ims.audit.selectors import entries_visible_to
from ims.org.selectors import sites_visible_to
from ims.readiness.models import Snapshot
from ims.readiness.snapshots import take_if_due
from ims.reminders.selectors import items_for
from ims.web.context import SESSION_SITE, current_site_id


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = timezone.now()
    counts = [("Sites", sites_visible_to(user, include_archived=False).count(), "org:site_list")]
    due: list[dict[str, object]] = []
    if can(user, Action.MANAGE_USERS):
        counts.append(("Active users", User.objects.filter(is_active=True).count(), "accounts:user_list"))
        for locked in User.objects.filter(locked_until__gt=now):
            due.append(
                {
                    "what": f"{locked} is locked out after failed sign-ins",
                    "when": locked.locked_until,
                    "url": f"/accounts/users/{locked.pk}/",
                }
            )
        for pending in User.objects.filter(is_active=True, must_change_password=True, last_login__isnull=True):
            due.append(
                {
                    "what": f"{pending} has not signed in yet with their temporary password",
                    "when": pending.date_joined,
                    "url": f"/accounts/users/{pending.pk}/",
                }
            )
    if can(user, Action.VIEW_AUDIT, anywhere=True):
        recent = entries_visible_to(user).filter(at__gte=now - timedelta(days=7))
        site_id = current_site_id(request)
        week = (recent.filter(site_id=site_id) if site_id else recent).count()
        counts.append(("Audit entries, last 7 days", week, "audit:list"))
    soon = now + timedelta(days=30)
    for token in tokens_of(user).filter(revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=soon):
        due.append(
            {
                "what": f"Your API token “{token.name}” expires",
                "when": token.expires_at,
                "url": "/accounts/tokens/",
            }
        )
    due.sort(key=lambda item: str(item["when"]))
    take_if_due()
    readiness = Snapshot.objects.filter(day=timezone.localdate()).select_related("edition").order_by("edition__label")
    return render(
        request,
        "web/home.html",
        {"counts": counts, "due": due, "readiness": readiness, "waiting": items_for(user, today=timezone.localdate())},
    )


@require_POST
def switch_site(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("site", "")
    if raw and raw.isdigit() and sites_visible_to(request.user).filter(pk=int(raw)).exists():
        request.session[SESSION_SITE] = int(raw)
    else:
        request.session.pop(SESSION_SITE, None)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
