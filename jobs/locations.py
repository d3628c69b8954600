"""Turning what people type ("London, UK", "Berlin, Deutschland", "Remote, Germany") into
normalised places, and telling a wish for remote work from a place."""

import re
from dataclasses import dataclass
from functools import cache

from django.db.models import Q
from django.db.models.functions import Lower
from django_countries import countries

# Names people use that are neither the ISO name nor the ISO code.
COUNTRY_ALIASES = {
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "españa": "ES",
    "uae": "AE",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czechia": "CZ",
    "czech republic": "CZ",
    "viet nam": "VN",
}


# What people type for "no place: remote work", alone or beside a place ("Remote, Germany",
# "Germany (remote)").
REMOTE_WORDS = (
    r"(?:fully\s+)?remote(?:\s+only)?|remote-only|anywhere|worldwide|work\s+from\s+home|wfh"
)
_REMOTE_ALONE = re.compile(rf"^\W*(?:{REMOTE_WORDS})\W*$", re.IGNORECASE)
_REMOTE_BESIDE = re.compile(
    rf"^\W*(?:{REMOTE_WORDS})\s*[,/;:(-]\s*(?P<after>.+)$"
    rf"|^(?P<before>.+?)\s*[,/;:(-]\s*(?:{REMOTE_WORDS})\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlaceWish:
    """A location search as typed: remote work asked for, and the place left once it is read."""

    remote: bool
    place: str


def read_place_wish(text: str) -> PlaceWish:
    """ "remote" (any case, "anywhere", "remote only"...) is a wish for remote work, not a place;
    beside a place ("Remote, Germany") it is both."""
    text = " ".join((text or "").split())
    if _REMOTE_ALONE.match(text):
        return PlaceWish(remote=True, place="")
    if beside := _REMOTE_BESIDE.match(text):
        place = (beside.group("after") or beside.group("before") or "").strip(" ,/;:()-")
        return PlaceWish(remote=True, place=place)
    return PlaceWish(remote=False, place=text)


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    country: str  # ISO 3166-1 alpha-2

    def __str__(self):
        return ", ".join(
            part for part in (self.city, self.region, countries.name(self.country)) if part
        )


@cache
def _codes_by_name() -> dict[str, str]:
    """Every country's name in lower case, with its ISO code: looked up once per worker, as
    `countries.by_name` reads the whole list on each call (several milliseconds a search)."""
    return {str(name).lower(): code for code, name in countries}


def country_code(text: str) -> str | None:
    """The ISO code of a country name, alias or code, or None when it names no country."""
    value = " ".join(text.split()).strip().lower()
    if not value:
        return None
    if value in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[value]
    if len(value) in (2, 3) and value.isalpha():
        code = countries.alpha2(value.upper())
        if code:
            return code
    return _codes_by_name().get(value)


def parse_place(text: str) -> Place | None:
    """Read "City, Region, Country" (region optional); the last part must name a country."""
    parts = [" ".join(part.split()) for part in text.split(",")]
    parts = [part for part in parts if part]
    if not parts or len(parts) > 3:
        return None
    code = country_code(parts[-1])
    if code is None:
        return None
    city = parts[0] if len(parts) >= 2 else ""
    region = parts[1] if len(parts) == 3 else ""
    return Place(city=city[:100], region=region[:100], country=code)


def get_or_create_location(place: Place):
    from jobs.models import Location

    location = (
        Location.objects.annotate(city_lower=Lower("city"), region_lower=Lower("region"))
        .filter(
            city_lower=place.city.lower(),
            region_lower=place.region.lower(),
            country=place.country,
        )
        .first()
    )
    if location is None:
        location = Location.objects.create(
            city=place.city, region=place.region, country=place.country
        )
    return location


def searched_country(text: str) -> str | None:
    """The country a location search names, alone or after a city or region ("Berlin, Germany")."""
    parts = [part for part in text.split(",") if part.strip()]
    return country_code(parts[-1]) if parts else None


def location_condition(text: str) -> Q:
    """Which locations a search for `text` means: a country, a city, or "city, country"."""
    parts = [" ".join(part.split()) for part in text.split(",") if part.strip()]
    if not parts:
        return Q()
    code = country_code(parts[-1])
    if len(parts) == 1:
        city_match = Q(city__iexact=parts[0]) | Q(region__iexact=parts[0])
        return Q(country=code) | city_match if code else city_match
    if code is None:
        return Q(city__iexact=parts[0]) & (Q(region__iexact=parts[-1]))
    return Q(city__iexact=parts[0], country=code) | Q(region__iexact=parts[0], country=code)


def place_is_known(text: str) -> bool:
    """Whether a location search names a country or a place some job is or was in."""
    from jobs.models import Location

    if searched_country(text):
        return True
    return Location.objects.filter(location_condition(text)).exists()
