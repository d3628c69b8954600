"""The public JSON API (/api/v1/): read jobs, companies, skills and resources; members write.

Reads use the search page's FilterSet and counts; writes go through the posting form's
validation and the same services as the web, so moderation and limits apply identically.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from careerboard.caching import cache_for_anonymous
from careerboard.models import Resource, Skill
from jobs import services
from jobs.filters import JobFilterSet
from jobs.forms import JobForm
from jobs.models import Company, Job, SearchRow
from jobs.pagination import KnownCountPaginator, Pagination
from jobs.serializers import (
    CompanySerializer,
    JobSerializer,
    JobSummarySerializer,
    JobWriteSerializer,
    ResourceSerializer,
    SkillSerializer,
)


class JobPagination(Pagination):
    """Pages of 20; the total comes from the search's own (possibly estimated) count."""

    page_size = 20
    django_paginator_class = KnownCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.count_is_estimate = view.stats.is_estimate
        self.django_paginator_class = lambda qs, size: KnownCountPaginator(
            qs, size, count=max(view.stats.total, 0)
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.count_is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        return schema


class JobFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.stats = filterset.stats()
        return filterset


def form_data(payload: dict) -> dict:
    """A JSON job submission in the shape the web posting form expects."""
    skills = Skill.objects.visible().in_bulk(
        payload.get("required_skills", []) + payload.get("nice_skills", []), field_name="slug"
    )
    unknown = [
        slug
        for slug in payload.get("required_skills", []) + payload.get("nice_skills", [])
        if slug not in skills
    ]
    if unknown:
        raise ValidationError({"skills": [f"Unknown skill: {slug}" for slug in unknown]})
    data = {
        key: value
        for key, value in payload.items()
        if key not in {"locations", "applicant_countries", "required_skills", "nice_skills"}
    }
    data["places"] = "\n".join(payload.get("locations", []))
    data["applicant_countries_text"] = ", ".join(payload.get("applicant_countries", []))
    data["required_skills"] = [skills[s].pk for s in payload.get("required_skills", [])]
    data["nice_skills"] = [skills[s].pk for s in payload.get("nice_skills", [])]
    for key in ("salary_min", "salary_max", "expires_on"):
        if data.get(key) is None:
            data.pop(key, None)
    return data


def latest_submission(job: Job) -> dict:
    """A job's latest posting (an edit waiting for review, else the job) in the shape of a
    submission, for a PATCH to change in part: two PATCHes in a row both count."""
    posting = services.job_latest_posting(job=job)
    return {
        **posting.fields,
        "locations": posting.places,
        "required_skills": [skill.slug for skill in posting.required],
        "nice_skills": [skill.slug for skill in posting.nice],
    }


def validated_posting(request, instance=None, partial=False):
    """The submission checked as a whole; a partial one is first laid over the job's values."""
    data = request.data
    if partial and isinstance(data, dict):
        data = {**latest_submission(instance), **data}
    incoming = JobWriteSerializer(data=data)
    incoming.is_valid(raise_exception=True)
    form = JobForm(data=form_data(incoming.validated_data), instance=instance)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data(escape_html=False))
    return incoming.validated_data, form.to_posting()


def service_errors(error: DjangoValidationError) -> APIException:
    """A refused submission: 400, with the errors by field where the service names the field."""
    if hasattr(error, "message_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def conflict(error: DjangoValidationError) -> APIException:
    """A refused state change: 409, saying why (the job is not in a state that allows it)."""
    return Conflict(error.messages[0])


def job_written(
    service: Callable[..., Job],
    *,
    refusal: Callable[[DjangoValidationError], APIException] = service_errors,
    code: int = status.HTTP_200_OK,
    **arguments,
) -> Response:
    """Call a job service for the API: its refusal becomes the API error `refusal` makes, and
    the answer is the job as it now stands, read again with everything its page shows."""
    try:
        job = service(**arguments)
    except DjangoValidationError as error:
        raise refusal(error) from error
    job = Job.objects.filter(pk=job.pk).with_page_data().get()
    return Response(JobSerializer(job).data, status=code)


@extend_schema_view(
    get=extend_schema(summary="Search open jobs (the search page's filters and sorting)"),
    post=extend_schema(
        summary="Post a job for your company (token of a company member)",
        request=JobWriteSerializer,
        responses={201: JobSerializer, 400: OpenApiResponse(description="Validation errors")},
    ),
)
@method_decorator(cache_for_anonymous, name="get")
class JobListView(generics.ListCreateAPIView):
    """The list is the same for every reader, so anonymous reads share the page cache."""

    serializer_class = JobSummarySerializer
    filter_backends = [JobFilterBackend]
    filterset_class = JobFilterSet
    pagination_class = JobPagination

    def get_queryset(self):
        return SearchRow.objects.live()

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def create(self, request, *args, **kwargs):
        data, posting = validated_posting(request)
        slug = data.get("company")
        companies = Company.objects.filter(members=request.user)
        company = companies.filter(slug=slug).first() if slug else None
        if company is None:
            raise ValidationError({"company": ["Give the slug of a company you are a member of."]})
        return job_written(
            services.job_create,
            code=status.HTTP_201_CREATED,
            company=company,
            by=request.user,
            posting=posting,
            submit=data["submit"],
        )


class IsMemberForWrites(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated


@extend_schema_view(
    get=extend_schema(summary="One open job"),
    put=extend_schema(summary="Replace a job of your company", request=JobWriteSerializer),
    patch=extend_schema(
        summary="Change some fields of a job of your company (the others keep their values)",
        request=JobWriteSerializer,
    ),
)
class JobDetailView(generics.RetrieveUpdateAPIView):
    serializer_class = JobSerializer
    permission_classes = [IsMemberForWrites]
    # Edits are JSON: a partial one is laid over the job's values, lists and all.
    parser_classes = [JSONParser]

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            return Job.objects.published().with_page_data()
        return Job.objects.for_company_member(self.request.user).with_page_data()

    def update(self, request, *args, partial=False, **kwargs):
        job = self.get_object()
        data, posting = validated_posting(request, instance=job, partial=partial)
        return job_written(
            services.job_update, job=job, by=request.user, posting=posting, submit=data["submit"]
        )


class JobCloseView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Close a job of your company (filled)",
        request=None,
        responses={
            200: JobSerializer,
            409: OpenApiResponse(description="Only a published job can be closed."),
        },
    )
    def post(self, request, pk):
        job = get_object_or_404(Job.objects.for_company_member(request.user), pk=pk)
        return job_written(services.job_close, refusal=conflict, job=job, by=request.user)


class CompanyListView(generics.ListAPIView):
    serializer_class = CompanySerializer
    queryset = Company.objects.public().order_by("name")


class CompanyDetailView(generics.RetrieveAPIView):
    serializer_class = CompanySerializer
    queryset = Company.objects.public()
    lookup_field = "slug"


class SkillListView(generics.ListAPIView):
    serializer_class = SkillSerializer
    queryset = Skill.objects.visible().order_by("name")


class ResourceListView(generics.ListAPIView):
    serializer_class = ResourceSerializer

    def get_queryset(self):
        return Resource.objects.visible().prefetch_related(
            Prefetch("skills", queryset=Skill.objects.visible())
        )


ERROR_RESPONSES = {
    "400": "The request's parameters or body are invalid; the body says which and why.",
    "401": "Authentication is needed (send “Authorization: Token <key>”).",
    "403": "You may not do this.",
    "404": "No such record, or no such page of results.",
    "405": "This method is not allowed here.",
    "429": "Too many requests; slow down (see Retry-After).",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing: every operation may answer with these errors."""
    error = {"type": "object", "additionalProperties": True}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error}},
                    },
                )
    return result
