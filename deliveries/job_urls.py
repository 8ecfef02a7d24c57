"""Courier-job pages, mounted at /jobs/ (CONTRACT §6)."""
from django.urls import path

from deliveries.views import jobs

urlpatterns = [
    path("", jobs.job_list, name="job-list"),
    path("new/", jobs.job_new, name="job-new"),
    path("<int:job_id>/", jobs.job_detail, name="job-detail"),
    path("<int:job_id>/state.json", jobs.job_state, name="job-state"),
    path("<int:job_id>/quotes/", jobs.job_request_quotes_view, name="job-request-quotes"),
    path("<int:job_id>/book/", jobs.job_book_view, name="job-book"),
    path("<int:job_id>/book-immediately/", jobs.job_book_immediately_view, name="job-book-immediately"),
    path("<int:job_id>/cancel/", jobs.job_cancel_view, name="job-cancel"),
]
