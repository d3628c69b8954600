from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/<slug:slug>/", views.job_detail, name="job_detail"),
    path("companies/<slug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
]
