"""Company logos: uploaded by a member and shown beside the company's name on job cards, job and
company pages (its initials on a colour of its own when there is none), served by Django under
`make run` and by the nginx front of docs/operations.md in production."""

import io
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jobs.logos import company_logo, initials
from jobs.models import Company, CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory, PublishedJobFactory, SkillFactory

pytestmark = pytest.mark.django_db

IMG_SRC = re.compile(r'<img class="logo logo-large" src="([^"]+)" alt=""')


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


def test_a_logo_shows_beside_the_name_on_cards_and_pages_as_decoration(client):
    company = CompanyFactory(name="Acme")
    Company.objects.filter(pk=company.pk).update(logo="logos/acme.png")
    job = PublishedJobFactory(company=company, title="Go developer")
    card_logo = '<img class="logo logo-card" src="/media/logos/acme.png" alt="" width="48"'
    page_logo = '<img class="logo logo-large" src="/media/logos/acme.png" alt="" width="64"'
    for url, logos in [
        (reverse("home"), [card_logo]),
        (reverse("jobs:job_list"), [card_logo]),
        (job.get_absolute_url(), [page_logo]),
        (company.get_absolute_url(), [page_logo]),
    ]:
        html = client.get(url).content.decode()
        assert all(logo in html for logo in logos), url
        assert "logo-mark" not in html, url


def test_without_a_logo_the_initials_stand_in_on_the_same_colour_everywhere(client):
    company = CompanyFactory(name="Northwind Data", slug="northwind-data")
    job = PublishedJobFactory(company=company)
    colour = company_logo(company).colour
    mark = f'<span class="logo logo-card logo-mark {colour}" aria-hidden="true">ND</span>'
    large = f'<span class="logo logo-large logo-mark {colour}" aria-hidden="true">ND</span>'
    assert mark in client.get(reverse("jobs:job_list")).content.decode()
    assert large in client.get(job.get_absolute_url()).content.decode()
    company_page = client.get(company.get_absolute_url()).content.decode()
    # Its own page shows it once, at the top: its cards do not repeat it.
    assert company_page.count("logo-mark") == 1 and large in company_page
    # The colour follows the company, not the page or the order of the results.
    assert company_logo(Company.objects.get(pk=company.pk)).colour == colour
    assert re.fullmatch(r"mark-[0-7]", colour)


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Northwind Data", "ND"),
        ("OpenShelf", "OS"),
        ("Ledgerline", "L"),
        ("Harbor Insurance Group", "HI"),
        ("3M", "3M"),
        ("«Über» GmbH", "ÜG"),
        ("---", "?"),
    ],
)
def test_initials_are_at_most_two_letters_people_would_pick(name, letters):
    assert initials(name) == letters


def test_logos_and_initials_add_no_query_to_the_search_page(client, django_assert_max_num_queries):
    python = SkillFactory(name="Python")
    for n in range(25):
        company = CompanyFactory(name=f"Firm {n}")
        if n % 2:
            Company.objects.filter(pk=company.pk).update(logo=f"logos/firm-{n}.png")
        PublishedJobFactory(company=company, title=f"Python dev {n}", skills=[python])
    # As tests/jobs/test_search.py counts them: the same nine whatever the page shows.
    with django_assert_max_num_queries(9):
        html = client.get(reverse("jobs:job_list"), {"q": "python", "skill": "python"}).content
    assert html.count(b'class="logo logo-card') == 20


# The production set-up: the nginx front of docs/operations.md, run for real in front of the app.

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOCS = settings.BASE_DIR / "docs" / "operations.md"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx_front(live_server, settings, tmp_path):
    """The documented server block over plain HTTP on a free port, with MEDIA_ROOT and the app
    where this test keeps them; yields the front's base URL."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: `apt-get install nginx-light` (make test does).")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    port = _free_port()
    (server,) = re.findall(r"```nginx\n(.*?)```", DOCS.read_text(), re.S)
    for documented, here in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
        ("/srv/careerboard/media/", f"{settings.MEDIA_ROOT}/"),
        ("http://127.0.0.1:8000", live_server.url),
    ]:
        assert documented in server
        server = server.replace(documented, here)
    temp = tmp_path / "nginx"
    temp.mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"daemon off;\nuser root;\npid {temp}/nginx.pid;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        + "".join(
            f" {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"{server}}}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(temp), "-e", str(temp / "error.log"), "-c", str(config)],
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(f"nginx did not start: {process.communicate()[1].decode()}")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_documented_nginx_front_serves_logos_and_never_private_files(
    nginx_front, transactional_db, tmp_path
):
    company = CompanyFactory(name="Acme")
    company.logo.save("acme.png", SimpleUploadedFile("acme.png", _png()))
    # Beside MEDIA_ROOT, as the defaults (./media, ./private-media) have it.
    resume = tmp_path / "private-media" / "secret.pdf"
    resume.parent.mkdir()
    resume.write_bytes(b"%PDF-1.4 only permission-checked views may read this")

    status, _, page = _get(nginx_front + company.get_absolute_url())
    assert status == 200
    (src,) = IMG_SRC.findall(page.decode())
    status, headers, body = _get(nginx_front + src)

    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert body == _png()
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Headers only nginx adds (the test's live server would serve MEDIA_ROOT itself).
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "max-age=2592000"
    for path in (f"/private-media/{resume.name}", f"/media/../private-media/{resume.name}"):
        status, _, body = _get(nginx_front + path)
        assert status >= 400 and resume.read_bytes() not in body
