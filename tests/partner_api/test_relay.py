"""The portal relays its own batch status changes and Locate2u's stop events to the partner whose
batch it is, and to nobody else."""
import copy

import pytest

from deliveries.api.models import WebhookEvent, WebhookSubscription
from deliveries.models import Batch
from deliveries.carriers.locate2u.schemas import ImportState, ImportStatus
from deliveries.services.batch_import import batch_accepted, import_status_apply
from deliveries.services.batches import batch_create, batch_submit
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

pytestmark = pytest.mark.django_db


def subscribe(customer, event_type):
    return WebhookSubscription.objects.create(customer=customer, event_type=event_type,
                                              url="https://partner.example/hooks", secret="whsec_" + "A" * 32)


def test_a_partner_hears_when_its_batch_moves_on_and_staff_batches_tell_nobody(partner):
    customer = partner.client.customer
    subscribe(customer, "batch.status-changed")
    theirs = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE), customer=customer, via="partner")
    ours = batch_create(payload=dict(copy.deepcopy(SPEC_COMPLETE_EXAMPLE), batchSourceReference="STAFF-1"))
    for batch in (theirs, ours):
        batch_submit(batch=batch)
        batch_accepted(batch_id=str(batch.batch_id))  # still "Queued" to the partner: no event
        import_status_apply(batch=Batch.objects.get(pk=batch.pk), status=ImportStatus(
            batch_import_id=str(batch.batch_id), status=ImportState.COMPLETED, total_count=3, success_count=3,
            failed_count=0, processed_count=3, progress_percentage=100.0, successful_stops=()))

    events = list(WebhookEvent.objects.all())
    assert [(e.customer_id, e.event_type) for e in events] == [(customer.pk, "batch.status-changed")]
    assert Batch.objects.get(pk=theirs.pk).status == Batch.Status.COMPLETED
