"""Search engines and feed readers: JobPosting data, feeds, sitemap and robots.txt."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django_countries import countries

from tests.factories import (
    ClosedJobFactory,
    CompanyFactory,
    ExpiredJobFactory,
    PublishedJobFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(client, job):
    html = client.get(job.get_absolute_url()).content.decode()
    found = LD_JSON.findall(html)
    return json.loads(found[0]) if found else None


def salaried(**fields):
    return PublishedJobFactory(
        salary_min=50000, salary_max=70000, salary_currency="EUR", salary_period="year", **fields
    )


def assert_google_basics(data, job):
    assert data["@type"] == "JobPosting"
    assert data["title"] == job.title
    assert "<" in data["description"]  # HTML, as Google asks
    assert data["datePosted"] and data["validThrough"]
    assert data["hiringOrganization"]["name"] == job.company.name
    assert data["hiringOrganization"]["sameAs"] == job.company.website
    assert data["identifier"]["value"] == str(job.pk)
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 50000,
            "maxValue": 70000,
            "unitText": "YEAR",
        },
    }
    assert data["directApply"] is False


def test_on_site_job_has_a_postal_address_per_location(client):
    job = salaried(workplace="onsite", places=["Berlin, Germany", "Munich, Bavaria, DE"])
    data = json_ld(client, job)
    assert_google_basics(data, job)
    addresses = [place["address"] for place in data["jobLocation"]]
    assert {a["addressLocality"] for a in addresses} == {"Berlin", "Munich"}
    assert {a["addressCountry"] for a in addresses} == {"DE"}
    assert "jobLocationType" not in data


def test_hybrid_job_has_its_office_and_no_telecommute(client):
    job = salaried(workplace="hybrid", places=["London, UK"])
    data = json_ld(client, job)
    assert data["jobLocation"][0]["address"]["addressCountry"] == "GB"
    assert "jobLocationType" not in data


def test_remote_anywhere_job_is_telecommute_open_to_every_country(client):
    job = salaried(workplace="remote", remote_anywhere=True)
    data = json_ld(client, job)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert "jobLocation" not in data
    # Google needs applicantLocationRequirements or a jobLocation on a TELECOMMUTE job.
    names = {country["name"] for country in data["applicantLocationRequirements"]}
    assert {"Germany", "Brazil", "Japan", "Kenya", "United States of America"} <= names
    assert len(names) == len(countries)


def test_empty_values_are_left_out_of_the_json_ld(client):
    job = PublishedJobFactory(
        workplace="onsite", places=["Berlin, Germany"], company=CompanyFactory(website="")
    )
    data = json_ld(client, job)
    assert data["jobLocation"][0]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Berlin",
        "addressCountry": "DE",
    }
    assert "sameAs" not in data["hiringOrganization"]
    assert "skills" not in data

    def values(node):
        if isinstance(node, dict):
            for item in node.values():
                yield from values(item)
        elif isinstance(node, list):
            for item in node:
                yield from values(item)
        yield node

    assert not [value for value in values(data) if value in ("", None, [], {})]


def test_remote_restricted_job_lists_the_countries_applicants_may_live_in(client):
    job = salaried(workplace="remote", applicant_countries=["DE", "FR"])
    data = json_ld(client, job)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "Germany"},
        {"@type": "Country", "name": "France"},
    ]
    # On the page the countries follow "Applicants may live" as the rest of its sentence.
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<dt>Applicants may live</dt>\n          <dd>Germany and France</dd>" in page


def test_direct_apply_only_when_seekers_apply_on_our_site(client):
    job = salaried(workplace="onsite", places=["Paris, France"], apply_on_site=True)
    assert json_ld(client, job)["directApply"] is True


def test_json_ld_cannot_break_out_of_its_script_tag(client):
    job = salaried(title="</script><script>alert(1)</script>", places=["Oslo, Norway"])
    html = client.get(job.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(client, job)["title"] == job.title


@pytest.mark.parametrize("factory", [ClosedJobFactory, ExpiredJobFactory])
def test_gone_jobs_have_no_json_ld_say_so_and_are_not_indexed(client, factory):
    job = factory()
    response = client.get(job.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "application/ld+json" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_job_page_has_canonical_link_and_open_graph(client):
    job = PublishedJobFactory(title="Go developer")
    html = client.get(job.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{job.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Go developer at' in html


def feed_titles(client, name, params=None):
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    if name.endswith("rss"):
        return [item.findtext("title") for item in root.iter("item")]
    atom = "{http://www.w3.org/2005/Atom}"
    return [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]


@pytest.mark.parametrize("name", ["job_feed_rss", "job_feed_atom"])
def test_feeds_parse_list_newest_open_jobs_and_honour_filters(client, name):
    python = SkillFactory(name="Python")
    company = CompanyFactory(name="Acme")
    PublishedJobFactory(
        title="Python remote",
        company=company,
        workplace="remote",
        remote_anywhere=True,
        skills=[python],
    )
    PublishedJobFactory(title="Java office", company=company, places=["Rome, Italy"])
    ExpiredJobFactory(title="Python expired", company=company)
    assert set(feed_titles(client, name)) == {"Python remote at Acme", "Java office at Acme"}
    assert feed_titles(client, name, {"q": "python"}) == ["Python remote at Acme"]
    assert feed_titles(client, name, {"workplace": "remote"}) == ["Python remote at Acme"]
    assert len(feed_titles(client, name, {"q": "", "skill": "", "posted": "", "sort": ""})) == 2


@pytest.mark.parametrize("name", ["job_feed_rss", "job_feed_atom"])
@pytest.mark.parametrize(
    ("params", "field"),
    [({"skill": "no-such-skill"}, "skill"), ({"workplace": "bogus"}, "workplace")],
)
def test_a_feed_with_an_invalid_filter_is_a_400_saying_which(client, name, params, field):
    SkillFactory(name="Python")
    PublishedJobFactory(title="Python remote", places=["Rome, Italy"])
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"{field}: " in response.content.decode()


def test_atom_entry_ids_are_tag_uris_made_of_the_job_id_and_creation_day(client, settings):
    settings.SITE_URL = "https://jobs.example.org:8443"
    job = PublishedJobFactory(title="Python remote", places=["Rome, Italy"])
    job.created_at = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    job.save(update_fields=["created_at"])
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(client.get(reverse("job_feed_atom")).content)
    ids = [entry.findtext(f"{atom}id") for entry in root.iter(f"{atom}entry")]
    assert ids == [f"tag:jobs.example.org,2026-03-04:job/{job.pk}"]
    # The id stays the same when the job changes.
    job.title = "Senior Python remote"
    job.save()
    root = ET.fromstring(client.get(reverse("job_feed_atom")).content)
    assert [entry.findtext(f"{atom}id") for entry in root.iter(f"{atom}entry")] == ids


def test_rss_guids_are_unchanged(client):
    job = PublishedJobFactory(title="Python remote", places=["Rome, Italy"])
    root = ET.fromstring(client.get(reverse("job_feed_rss")).content)
    assert [item.findtext("guid") for item in root.iter("item")] == [f"careerboard-job-{job.pk}"]


def test_search_page_links_the_feed_of_its_own_filters(client):
    html = client.get(reverse("jobs:job_list"), {"q": "python", "workplace": "remote"}).content
    assert b'href="/feeds/jobs.rss?q=python&amp;workplace=remote"' in html


def test_sitemap_lists_open_jobs_companies_and_skills_but_not_closed_jobs(client):
    skill = SkillFactory(name="Rust")
    live = PublishedJobFactory(skills=[skill])
    gone = ClosedJobFactory()
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    sections = re.findall(r"<loc>[^<]*/sitemap-(\w+)\.xml</loc>", index.content.decode())
    assert set(sections) == {"jobs", "companies", "skills"}
    jobs_xml = client.get("/sitemap-jobs.xml").content.decode()
    assert live.get_absolute_url() in jobs_xml and "<lastmod>" in jobs_xml
    assert gone.get_absolute_url() not in jobs_xml
    assert live.company.get_absolute_url() in client.get("/sitemap-companies.xml").content.decode()
    assert skill.get_absolute_url() in client.get("/sitemap-skills.xml").content.decode()


def test_robots_txt_points_at_the_sitemap(client):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_control_characters_in_a_search_or_a_title_do_not_break_the_feed(client):
    PublishedJobFactory(title="Python\x1b developer\x0c")
    for params in ({"q": "\x1b"}, {}):
        response = client.get(reverse("job_feed_rss"), params)
        assert response.status_code == 200
        ET.fromstring(response.content)
