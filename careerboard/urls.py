"""Root URLs: the jobs, API and profiles URLs under their prefixes, the pages at the top of the
site (home, skills, careers, accounts, feeds, sitemaps, health checks), the admin under ADMIN_URL.
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from careerboard import views as core_views
from jobs.feeds import AtomJobFeed, JobFeed
from jobs.sitemaps import SITEMAPS
from jobs.views import careers, employer, public

urlpatterns = [
    path("", public.home, name="home"),
    path("jobs/", include("jobs.urls")),
    path("employers/", employer.for_employers, name="for_employers"),
    path("api/v1/", include("jobs.api_urls")),
    path("me/", include("profiles.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_docs"),
    path("accounts/signup/", core_views.signup, name="signup"),
    path("accounts/password_reset/", core_views.password_reset, name="password_reset"),
    path("accounts/", core_views.account, name="account"),
    path(
        "accounts/confirm-email/resend/",
        core_views.email_verification_resend,
        name="email_verification_resend",
    ),
    path("accounts/confirm-email/<str:token>/", core_views.email_verify, name="email_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("skills/", public.SkillListView.as_view(), name="skill_list"),
    path("skills/<slug:slug>/", public.skill_detail, name="skill_detail"),
    path("careers/", careers.career_list, name="career_list"),
    path("careers/compare/", careers.career_compare, name="career_compare"),
    path("careers/<slug:slug>/", careers.career_detail, name="career_detail"),
    path("resources/", core_views.resource_list, name="resource_list"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("feeds/jobs.rss", JobFeed(), name="job_feed_rss"),
    path("feeds/jobs.atom", AtomJobFeed(), name="job_feed_atom"),
    path(
        "sitemap.xml",
        sitemaps_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(settings.ADMIN_URL, admin.site.urls),
]
# Uploaded logos: Django serves MEDIA_ROOT itself only with DEBUG on (make run, make serve);
# in production the proxy serves it (docs/operations.md) and this adds nothing.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "careerboard.views.page_not_found"
handler500 = "careerboard.views.server_error"
