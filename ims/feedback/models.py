"""Customer feedback (ISO 9001 9.1.2, 8.2.1 c): complaints, satisfaction surveys and compliments.

A complaint is also an improvement event (type *customer complaint*): it is
raised through :func:`ims.improvement.services.event_raise_from` when the
complaint is recorded, so its investigation and corrective actions follow the
one improvement workflow, while the complaint keeps the customer's side —
the response due and the response sent. Survey results are scores per
question on each question's own scale; one 0–10 “would you recommend us”
question per survey gives the Net Promoter Score.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class Customer(VersionedModel):
    """A customer, keyed by the code the ERP or CRM uses for it."""

    code = models.CharField(max_length=30, help_text=_("The customer's code in the ERP or CRM, e.g. AGRITECH."))
    name = models.CharField(max_length=200)
    sites = models.ManyToManyField(
        "org.Site", blank=True, related_name="+", help_text=_("The sites that serve this customer; empty for all.")
    )
    contact = models.CharField(max_length=200, blank=True, help_text=_("Who to answer: a name, an e-mail address."))
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"), name="customer_code_unique", violation_error_message=_("This customer code is taken.")
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open: response due")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn or recorded in error")


class Complaint(VersionedModel):
    """A customer's complaint: what they said, when they must hear back, and what we answered."""

    reference = models.CharField(max_length=20, unique=True, editable=False, help_text=_("e.g. CMP-2026-0001"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    title = models.CharField(max_length=200)
    description = models.TextField(help_text=_("What the customer says is wrong, in their words."))
    order_ref = models.CharField(max_length=100, blank=True, help_text=_("Order, delivery or invoice number."))
    product_ref = models.CharField(max_length=100, blank=True, help_text=_("Part number or product."))
    response_due = models.DateField()
    response_sent_on = models.DateField(null=True, blank=True, editable=False)
    response = models.TextField(blank=True, editable=False, help_text=_("What we answered the customer."))
    status = models.CharField(
        max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN, editable=False
    )
    reason = models.TextField(blank=True, editable=False, help_text=_("Why it was withdrawn or reopened."))
    external_ref = models.CharField(
        max_length=100, blank=True, help_text=_("The CRM's own id of the complaint; a known one is not recorded twice.")
    )
    event = models.OneToOneField(
        "improvement.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="complaint",
        help_text=_("The improvement event raised for it: investigation and corrective actions."),
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "response_due"], name="complaint_status_due"),
            models.Index(fields=["received_on"], name="complaint_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="complaint_external_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Survey(VersionedModel):
    """A customer satisfaction survey for one period: its questions and, once sent, its responses."""

    title = models.CharField(max_length=200)
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for a survey of the whole organisation."),
    )
    period_start = models.DateField(help_text=_("First day of the period the survey measures."))
    period_end = models.DateField(help_text=_("Last day of the period the survey measures."))
    description = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    """One question, answered on a scale (1–5, 0–10 …); ``recommend`` marks the 0–10 “would you recommend us”."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40, help_text=_("Short name, also the column of the import file."))
    text = models.CharField(max_length=300)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    recommend = models.BooleanField(
        default=False, help_text=_("The 0–10 “how likely are you to recommend us” question, for the NPS.")
    )

    class Meta:
        ordering = ["survey_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique"),
            models.UniqueConstraint(fields=["survey"], condition=Q(recommend=True), name="question_one_recommend"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def scale(self) -> str:
        return f"{self.scale_min}–{self.scale_max}"


class SurveyResponse(VersionedModel):
    """One customer's answers to a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="survey_responses")
    answered_on = models.DateField()
    respondent = models.CharField(max_length=200, blank=True, help_text=_("Who answered, if known."))
    comment = models.TextField(blank=True)
    external_ref = models.CharField(max_length=100, blank=True, help_text=_("The survey tool's id of the response."))

    class Meta:
        ordering = ["-answered_on", "-id"]
        indexes = [models.Index(fields=["answered_on"], name="response_answered")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_ref"], condition=~Q(external_ref=""), name="response_external_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.customer.name}, {self.answered_on:%Y-%m-%d}"

    @property
    def audit_site_id(self) -> int | None:
        return self.survey.site_id


class Score(models.Model):
    """The answer to one question, within the question's scale."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField()

    class Meta:
        ordering = ["response_id", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="score_once_per_question")]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value}"


class Compliment(VersionedModel):
    """Praise from a customer: what they liked, for recognition and to keep doing it."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="compliments")
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    description = models.TextField()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.customer.name}, {self.received_on:%Y-%m-%d}"


class ShipmentVolume(VersionedModel):
    """Units shipped by a site in a month: the denominator of the complaint rate per million units."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text=_("The first day of the month."))
    units = models.PositiveBigIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["-month", "site_id"]
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="shipment_site_month_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.units} units"
