"""Staff pages of batches, under /batches/ (CONTRACT §6: /batches/<batchId>/ is the GUID)."""
from django.urls import path

from deliveries.views import batches

urlpatterns = [
    path("", batches.batch_list, name="batch-list"),
    path("new/", batches.batch_new, name="batch-new"),
    path("<uuid:batch_id>/", batches.batch_detail, name="batch-detail"),
    path("<uuid:batch_id>/edit/", batches.batch_edit, name="batch-edit"),
    path("<uuid:batch_id>/progress.json", batches.batch_progress_json, name="batch-progress"),
    path("<uuid:batch_id>/submit/", batches.batch_submit_view, name="batch-submit"),
    path("<uuid:batch_id>/follow/", batches.batch_follow_again_view, name="batch-follow-again"),
    path("<uuid:batch_id>/retry-failed/", batches.batch_retry_failed, name="batch-retry-failed"),
]
