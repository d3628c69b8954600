"""Company logos: uploaded by a member, then shown (and served) on the company and job pages."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jobs.models import CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory, PublishedJobFactory

pytestmark = pytest.mark.django_db

IMG_SRC = re.compile(r'<img class="logo" src="([^"]+)"')


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# media_root comes first: the URLs that as_under_make_run reads serve MEDIA_ROOT as it is then.
def test_an_uploaded_logo_shows_on_the_company_and_job_pages(client, media_root, as_under_make_run):
    company = CompanyFactory(name="Acme")
    member = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=member)
    job = PublishedJobFactory(company=company)
    client.force_login(member)
    png = _png()

    response = client.post(
        reverse("jobs:company_edit", args=[company.slug]),
        {
            "name": "Acme",
            "website": "https://acme.example",
            "about": "We make anvils.",
            "size": "",
            "logo": SimpleUploadedFile("acme.png", png, content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    for page in (company.get_absolute_url(), job.get_absolute_url()):
        srcs = IMG_SRC.findall(client.get(page).content.decode())
        assert len(srcs) == 1, page
        logo = client.get(srcs[0])
        assert logo.status_code == 200
        assert logo["Content-Type"] == "image/png"
        assert b"".join(logo.streaming_content) == png
