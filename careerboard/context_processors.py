"""What every page's template is given beside its view's context."""

import weakref

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

# The links in every page's header and footer: name in the template -> URL name and arguments.
SITE_LINKS = {
    "home": ("home",),
    "jobs": ("jobs:job_list",),
    "skills": ("skill_list",),
    "careers": ("career_list",),
    "backend_career": ("career_detail", "backend-developer"),
    "resources": ("resource_list",),
    "for_employers": ("for_employers",),
    "recommended": ("profiles:recommended",),
    "profile": ("profiles:profile",),
    "admin": ("admin:index",),
    "login": ("login",),
    "logout": ("logout",),
    "signup": ("signup",),
    "account": ("account",),
    "employer_dashboard": ("jobs:employer_dashboard",),
    "moderation_queue": ("jobs:moderation_queue",),
}

# Reversed links by URL resolver (a new one after clear_url_caches()) and script prefix.
_reversed: "weakref.WeakKeyDictionary[object, dict[str, dict]]" = weakref.WeakKeyDictionary()


def site_links(request) -> dict:
    """`site_links`: the header's and footer's links, reversed once per worker rather than on
    every page (two dozen reversals cost about a millisecond). A URL name that is not installed
    gives an empty link, which the template leaves out."""
    by_prefix = _reversed.setdefault(get_resolver(get_urlconf()), {})
    prefix = get_script_prefix()
    if prefix not in by_prefix:
        by_prefix[prefix] = {name: _reverse(*target) for name, target in SITE_LINKS.items()}
    return {"site_links": by_prefix[prefix]}


def _reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
