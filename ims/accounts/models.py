"""Users, their role memberships per site, and personal API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ims.accounts.roles import Role
from ims.core.models import VersionedModel


class User(AbstractUser, VersionedModel):
    """A person who signs in. Deactivated, never deleted, once they have acted."""

    failed_login_count = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(default=False)

    audit_exclude = ("failed_login_count", "locked_until", "last_login", "date_joined")

    class Meta:
        verbose_name = _("user")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Membership(models.Model):
    """A role for a user, in one site or (site empty) in all sites."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Empty: the role applies in every site."),
    )

    class Meta:
        ordering = ["user_id", "site_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="membership_one_role_per_site"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(site__isnull=True),
                name="membership_one_all_sites_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.site.name if self.site_id and self.site else "all sites"
        return f"{self.user} — {self.get_role_display()} ({where})"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text=_("First characters, to recognise it."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.CharField(max_length=45, blank=True)

    audit_exclude = ("token_hash", "last_used_at", "last_used_ip")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"
