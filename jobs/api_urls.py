from django.urls import path

from jobs import api

app_name = "api"

urlpatterns = [
    path("jobs/", api.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", api.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/close/", api.JobCloseView.as_view(), name="job_close"),
    path("companies/", api.CompanyListView.as_view(), name="company_list"),
    path("companies/<slug:slug>/", api.CompanyDetailView.as_view(), name="company_detail"),
    path("skills/", api.SkillListView.as_view(), name="skill_list"),
    path("resources/", api.ResourceListView.as_view(), name="resource_list"),
]
