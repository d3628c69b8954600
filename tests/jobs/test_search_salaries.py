"""Salaries in different currencies are compared by their worth in euros (careerboard's exchange
rates), unless the seeker chooses a currency; pages show the original figure and a hint in euros,
and say which rates they used. Rates here are tests/jobs/conftest.py's: 1 EUR = 1.25 USD = 100
INR = 0.8 GBP."""

import pytest
from django.urls import reverse

from careerboard.models import REFERENCE_CURRENCY, ExchangeRate
from careerboard.seeding import seeds_load
from jobs.filters import CURRENCIES, JobFilterSet
from jobs.models import SearchRow
from tests.factories import AdminFactory, EmployerFactory, PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db


def titles(**params):
    return [job.title for job in JobFilterSet(params).qs]


def yearly(title, amount, currency, **extra):
    return PublishedJobFactory(
        title=title,
        salary_max=amount,
        salary_currency=currency,
        salary_period="year",
        **extra,
    )


@pytest.fixture
def paid_jobs(exchange_rates):
    """Worth in euros: rupee job 23,400, euro job 60,000, dollar job 80,000."""
    return {
        "rupees": yearly("Rupee job", 2_340_000, "INR"),
        "euros": yearly("Euro job", 60_000, "EUR"),
        "dollars": yearly("Dollar job", 100_000, "USD"),
        "unpaid": PublishedJobFactory(title="No salary given"),
    }


def test_search_rows_hold_the_yearly_salary_in_euros(paid_jobs):
    rows = SearchRow.objects.values_list("job__title", "salary_max_eur")
    assert dict(rows) == {
        "Rupee job": 23_400,
        "Euro job": 60_000,
        "Dollar job": 80_000,
        "No salary given": None,
    }


def test_highest_salary_ranks_by_worth_in_euros_not_by_the_number(paid_jobs):
    assert titles(sort="salary") == ["Dollar job", "Euro job", "Rupee job", "No salary given"]


def test_a_minimum_in_any_currency_is_a_minimum_in_euros(paid_jobs):
    assert titles(salary_min="100000", sort="salary") == []
    assert titles(salary_min="50000", sort="salary") == ["Dollar job", "Euro job"]
    assert titles(salary_min="20000", sort="salary") == ["Dollar job", "Euro job", "Rupee job"]


def test_a_chosen_currency_filters_and_sorts_in_that_currency(paid_jobs):
    yearly("Big rupee job", 5_000_000, "INR")
    assert titles(currency="INR", salary_min="2000000", sort="salary") == [
        "Big rupee job",
        "Rupee job",
    ]
    # 100,000 dollars is 80,000 euros, but in dollars it is 100,000.
    assert titles(currency="USD", salary_min="90000") == ["Dollar job"]


def test_pay_in_a_currency_without_a_rate_is_left_out_of_any_currency_comparisons(paid_jobs):
    yearly("Franc job", 500_000, "CHF")
    assert "Franc job" not in titles(salary_min="1000")
    assert set(titles(sort="salary")[-2:]) == {"Franc job", "No salary given"}
    assert titles(currency="CHF", salary_min="1000") == ["Franc job"]


def test_the_newest_visible_rate_of_a_currency_is_the_one_used(paid_jobs, exchange_rates):
    newer = ExchangeRate.objects.create(
        currency="INR", per_euro=10, as_of="2026-03-02", published_by="Test central bank"
    )
    assert titles(sort="salary")[0] == "Rupee job"  # 234,000 euros at the newer rate
    newer.is_hidden = True
    newer.save()
    assert titles(sort="salary")[0] == "Dollar job"


def test_cards_show_the_original_figure_and_a_hint_in_euros_with_its_rate(client, paid_jobs):
    html = client.get(reverse("jobs:job_list"), {"sort": "salary"}).content.decode()
    assert "Up to INR 2,340,000 per year" in html
    assert "(about EUR 23,000 a year)" in html
    assert (
        'title="Converted at 1 EUR = 100 INR, the Test central bank reference rates of 2 January'
        in html
    )
    # No hint for a salary already in euros.
    assert "Up to EUR 60,000 per year</p>" in html


def test_the_search_page_says_which_rates_any_currency_compares_at(client, paid_jobs):
    general = "salaries are compared in euros at the newest exchange rates the board holds"
    dated = "currency converted to euros at the Test central bank reference rates of 2 January"
    html = client.get(reverse("jobs:job_list"), {"sort": "salary"}).content.decode()
    assert general in html
    assert f"Highest salary first, every {dated}" in html
    chosen = client.get(reverse("jobs:job_list"), {"sort": "salary", "currency": "INR"})
    assert "currency converted to euros" not in chosen.content.decode()
    # The filter's help reads the same whatever the results; the dated note comes with a salary
    # filter, even one nothing meets, and not with a search that involves no salary.
    for params in ({"salary_min": 90_000_000}, {"salary_min": 1000, "q": "nothing-matches-this"}):
        html = client.get(reverse("jobs:job_list"), params).content.decode()
        assert general in html and f"Salaries compared with every {dated}" in html
    for params in ({}, {"q": "nothing-matches-this"}):
        html = client.get(reverse("jobs:job_list"), params).content.decode()
        assert general in html and "currency converted to euros" not in html


def test_the_job_page_gives_the_euro_figure_with_its_rate_and_date(client, paid_jobs):
    job = paid_jobs["rupees"]
    html = client.get(job.get_absolute_url()).content.decode()
    assert "About EUR 23,000 a year. Converted at 1 EUR = 100 INR" in html
    assert "reference rates of 2 January 2026" in html


def test_the_api_gives_the_yearly_salary_in_euros_and_the_rate_day(client, paid_jobs):
    job = paid_jobs["rupees"]
    salary = client.get(reverse("api:job_detail", args=[job.pk])).json()["salary"]
    assert salary["min"] is None and salary["max"] == 2_340_000 and salary["currency"] == "INR"
    assert (salary["yearly_min_eur"], salary["yearly_max_eur"]) == (None, 23_400)
    assert salary["rate_date"] == "2026-01-02"
    listed = client.get(reverse("api:job_list"), {"sort": "salary"}).json()["results"]
    assert [row["title"] for row in listed] == [
        "Dollar job",
        "Euro job",
        "Rupee job",
        "No salary given",
    ]


def test_the_search_summary_says_a_minimum_in_any_currency_is_converted(paid_jobs):
    assert JobFilterSet({"salary_min": "50000"}).describe() == (
        "Minimum yearly salary 50,000 EUR (any currency, converted)"
    )
    assert JobFilterSet({"salary_min": "50000", "currency": "INR"}).describe() == (
        "Minimum yearly salary 50,000 INR"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"salary_min": "abc", "sort": "salary"},
        {"salary_min": "-5"},
        {"salary_min": "1e99", "currency": "INR"},
        {"salary_min": "999999999999999999999"},
        {"currency": "XXX", "sort": "salary"},
        {"currency": "inr", "salary_min": "10"},
        {"sort": "richest"},
        {"salary_min": "50000", "location": "remote", "sort": "salary"},
    ],
)
def test_garbage_salary_parameters_answer_with_a_message_never_an_error(client, paid_jobs, params):
    response = client.get(reverse("jobs:job_list"), params)
    assert response.status_code == 200
    api = client.get(reverse("api:job_list"), params)
    assert api.status_code in (200, 400)


def test_our_seed_files_give_a_rate_for_every_currency_the_search_offers():
    seeds_load()
    offered = {code for code, _ in CURRENCIES} - {REFERENCE_CURRENCY}
    assert offered <= set(ExchangeRate.objects.current())


@pytest.mark.parametrize(
    "who, may",
    [(None, False), (SeekerFactory, False), (EmployerFactory, False), (AdminFactory, True)],
)
def test_only_admins_may_change_a_rate(client, exchange_rates, who, may):
    if who:
        client.force_login(who())
    rate = exchange_rates["INR"]
    url = reverse("admin:careerboard_exchangerate_change", args=[rate.pk])
    form = {"currency": "INR", "per_euro": "1", "as_of": "2026-01-02", "published_by": "Me"}
    response = client.post(url, {**form, "sort_order": 0})
    rate.refresh_from_db()
    assert (rate.per_euro == 1) is may
    assert response.status_code == 302
    if not may:
        assert "/login/" in response["Location"]


def test_an_admin_cannot_save_a_rate_of_zero_or_for_the_euro(client, exchange_rates):
    client.force_login(AdminFactory())
    url = reverse("admin:careerboard_exchangerate_add")
    for currency, per_euro, error in (
        ("USD", "0", "A rate is more than zero."),
        ("EUR", "1", "other than EUR"),
        ("usd", "1", "three-letter code in capitals"),
        ("USD", "2", "already has a rate of that day"),
    ):
        as_of = "2026-01-02" if per_euro == "2" else "2026-02-02"
        form = {"currency": currency, "per_euro": per_euro, "as_of": as_of}
        response = client.post(url, {**form, "published_by": "Me", "sort_order": 0})
        assert response.status_code == 200  # the form again, with its error
        assert error in response.content.decode()
    assert ExchangeRate.objects.count() == len(exchange_rates)
