"""The demo's feedback step: customers, complaints raising events, surveys with a trend, units shipped."""

from __future__ import annotations

from django.utils import timezone

from ims.demo import loader
from ims.feedback.checks import customer_satisfaction
from ims.feedback.demo import step_feedback
from ims.feedback.kpis import satisfaction
from ims.feedback.models import Complaint, ComplaintStatus, Customer, SurveyResponse
from ims.improvement.checks import corrective_actions, nonconforming_outputs
from ims.improvement.demo import step_improvement
from ims.improvement.models import Action, ActionStatus, Event, ExtraEnergy, FailureCost, WastedMaterial
from ims.readiness.checks import Status


def test_the_demo_gives_two_years_of_feedback_and_improvement(db):
    admin, password = loader._bootstrap_admin()
    ctx = loader.DemoContext(admin=admin)
    ctx.credentials.append(("admin", "Administrator (all sites)", password))
    for step in (loader.step_organisation, loader.step_users, loader.step_processes, loader.step_obligations):
        step(ctx)
    step_improvement(ctx)
    step_feedback(ctx)

    assert 140 <= Event.objects.count() <= 160
    oldest = min(Event.objects.values_list("occurred_at", flat=True))
    assert (timezone.now() - oldest).days > 700
    assert set(Action.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert Customer.objects.count() == 6
    complaints = Complaint.objects.all()
    assert complaints.count() == 18
    assert all(c.event is not None and c.event.source_type == "feedback.complaint" for c in complaints)
    assert complaints.filter(status=ComplaintStatus.OPEN, response_due__lt=timezone.localdate()).exists()
    assert SurveyResponse.objects.count() == 24
    assert FailureCost.objects.filter(currency="CZK").exists()
    assert WastedMaterial.objects.exists()
    assert ExtraEnergy.objects.exists()

    quarters = satisfaction(admin, granularity="quarter", count=8)
    with_csat = [q.csat for q in quarters if q.csat is not None]
    assert len(with_csat) >= 3
    assert with_csat[-1] > with_csat[0]  # satisfaction improves over the two years
    assert any(q.complaints_per_million is not None for q in quarters)

    now = timezone.now()
    assert customer_satisfaction(now).status == Status.PASS
    assert corrective_actions(now).status == Status.PASS
    assert nonconforming_outputs(now).status == Status.PASS
