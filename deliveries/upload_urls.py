"""/batches/import/: a batch from a CSV or Excel file (included before /batches/)."""
from django.urls import path, re_path

from deliveries.views import batch_upload as views

urlpatterns = [
    path("", views.batch_upload, name="batch-upload"),
    # reverse("batch-upload-template", args=["csv"]) or args=["xlsx"]
    re_path(r"^template\.(?P<fmt>csv|xlsx)$", views.batch_upload_template, name="batch-upload-template"),
]
