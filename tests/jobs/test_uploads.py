"""Company logos: an image's declared size is judged before it is decoded; a replaced or
removed logo leaves storage."""

import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image

from jobs.models import Company, CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def member():
    user = EmployerFactory()
    CompanyMembership.objects.create(company=CompanyFactory(name="Acme"), user=user)
    return user


def png(width=1, height=1) -> bytes:
    """A one-pixel PNG whose header declares width × height (a few bytes can claim billions)."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def post_logo(client, company, content):
    upload = io.BytesIO(content)
    upload.name = "logo.png"
    return client.post(
        reverse("jobs:company_edit", args=[company.slug]), {"name": company.name, "logo": upload}
    )


@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (5000, 5000), (40_000, 1)],
)
def test_a_logo_declaring_too_many_pixels_is_refused_with_a_reason(
    client, member, media, width, height
):
    company = Company.objects.get()
    client.force_login(member)
    response = post_logo(client, company, png(width, height))
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    company.refresh_from_db()
    assert not company.logo
    assert not (media / "logos").exists()


def test_a_sensible_logo_is_kept(client, member, media):
    company = Company.objects.get()
    client.force_login(member)
    assert post_logo(client, company, png(64, 64)).status_code == 302
    company.refresh_from_db()
    assert company.logo.name.startswith("logos/")


def stored(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_replaced_or_removed_logo_leaves_storage(
    client, member, media, django_capture_on_commit_callbacks
):
    company = Company.objects.get()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        post_logo(client, company, png(64, 64))
    company.refresh_from_db()
    first = company.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        post_logo(client, company, png(32, 32))
    company.refresh_from_db()
    assert company.logo.name != first and stored(media) == [company.logo.name]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jobs:company_edit", args=[company.slug]),
            {"name": company.name, "logo-clear": "on"},
        )
    company.refresh_from_db()
    assert not company.logo and stored(media) == []
