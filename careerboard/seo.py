"""What a public page tells search engines and link previews about itself: its canonical URL."""

from collections.abc import Iterable

from django.conf import settings
from django.http import QueryDict


def canonical_url(request, *, params: Iterable[str] = ()) -> str:
    """The page's own address: the site, the path and only the named query parameters, those
    that choose what the page lists (filters), each in one order, blanks and repeats left out.
    Page numbers and sort orders are not named, so every ordering shares one canonical URL."""
    query = QueryDict(mutable=True)
    for name in params:
        values = sorted({value.strip() for value in request.GET.getlist(name) if value.strip()})
        if values:
            query.setlist(name, values)
    url = f"{settings.SITE_URL}{request.path}"
    return f"{url}?{query.urlencode()}" if query else url
