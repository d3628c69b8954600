"""Pagination shared by the pages and the API (its own module: DRF's settings import it early)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 20
# Sorted by date or salary, a search pages through at most this many results.
MAX_BROWSABLE_RESULTS = 5000


class KnownCountPaginator(Paginator):
    """A paginator told the total, which the facet query has already counted."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


class Pagination(PageNumberPagination):
    """Numbered pages; the schema says that pages start at 1."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
