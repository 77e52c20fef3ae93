"""The roles of the IMS and what each is for (5.3 roles and responsibilities)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    IMS_MANAGER = "ims_manager", _("IMS manager")
    PROCESS_OWNER = "process_owner", _("Process owner")
    AUDITOR = "auditor", _("Auditor")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.ADMINISTRATOR: "Runs the installation: users, sites, organisation settings, everything else.",
    Role.IMS_MANAGER: "Owns the management system: edits and approves every register.",
    Role.PROCESS_OWNER: "Keeps the records of their process and sites up to date.",
    Role.AUDITOR: "Reads everything in their sites, including the audit trail.",
    Role.CONTRIBUTOR: "Reports nonconformities, incidents and ideas; reads the registers.",
    Role.VIEWER: "Reads the registers of their sites.",
}
