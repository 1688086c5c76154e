"""The audit trail: one append-only row per clinical write, chart read, export and sign-in event.

There is no update or delete path in the application: ``save`` refuses to update a stored event,
``delete`` refuses always, the queryset refuses bulk update/delete, the admin is read-only, and on
PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """Audit events are append-only."""


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("Signed in")
    LOGOUT = "auth.logout", _("Signed out")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    CHART_VIEW = "chart.view", _("Viewed chart")
    CHART_VIEW_RESTRICTED = "chart.view_restricted", _("Viewed restricted chart header")
    CHART_BREAK_GLASS = "chart.break_glass", _("Emergency access to chart")
    EXPORT = "export", _("Exported data")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    TRANSITION = "transition", _("Changed status")
    ADD = "add", _("Added")
    REMOVE = "remove", _("Removed")
    VIEW = "view", _("Viewed")
    RESPONSE_RECORD = "response.record", _("Recorded an instrument response")
    RESPONSE_CORRECT = "response.correct", _("Corrected an instrument response")
    LINK_CREATE = "link.create", _("Sent a self-completion link")
    LINK_COMPLETE = "link.complete", _("Completed a self-completion link")
    ALERT_RAISE = "alert.raise", _("Raised a safety alert")
    ALERT_ACKNOWLEDGE = "alert.acknowledge", _("Acknowledged a safety alert")
    ASSESSMENT_SIGN = "assessment.sign", _("Signed an assessment")
    PLACEMENT_DECIDE = "placement.decide", _("Decided the level of care")
    REFERRAL_MERGE = "referral.merge", _("Merged a referral with an existing patient")
    PLAN_VERSION = "plan.version", _("Saved a treatment plan version")
    PLAN_SIGN = "plan.sign", _("Signed a treatment plan")
    PLAN_COSIGN = "plan.cosign", _("Co-signed a treatment plan")
    PLAN_PATIENT_SIGN = "plan.patient_sign", _("Witnessed a patient's plan signature")
    PLAN_REVIEW = "plan.review", _("Reviewed a treatment plan")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutable("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username at the time, kept even for failed sign-ins where no user matched.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("Audit events cannot be deleted.")
