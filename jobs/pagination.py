"""API pagination shared by every list (its own module: DRF's settings import it early)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Numbered pages; the schema says that pages start at 1."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
