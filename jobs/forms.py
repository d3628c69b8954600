"""Forms of employers (posting, company, invitations), of moderators and of reporters, and the
choice of roles to compare."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from PIL import Image

from careerboard.models import CareerRole, Period, Skill
from careerboard.widgets import PickerFormMixin, SkillsField
from jobs.locations import country_code, parse_place
from jobs.models import Company, CompanyMembership, Job, JobReport
from jobs.services import SUBSTANTIVE_FIELDS, Posting

MAX_LOGO_BYTES = 1024 * 1024
# Logos show at 72 pixels; a larger side is no use and costs every browser that decodes it.
MAX_LOGO_SIDE = 4096
TOO_MANY_PIXELS = (
    f"The logo has too many pixels; use one of at most {MAX_LOGO_SIDE:,} × {MAX_LOGO_SIDE:,}."
)
MAX_DESCRIPTION_CHARS = 20_000


class MultilineField(forms.CharField):
    """A text of several lines, its line breaks made "\n" whatever the browser sent.

    Browsers send a text area's line breaks as "\r\n"; kept, they would make a text saved
    unchanged look changed beside the stored one.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def https_by_default(db_field, **kwargs):
    """Form fields for model fields; a URL typed without a scheme is taken as https, and a long
    text's line breaks are made "\n" (`MultilineField`).

    URLs get a text box with the phone's URL keyboard: a browser's own URL box refuses an address
    without a scheme before the form can add one.
    """
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "url"}))
    if isinstance(db_field, models.TextField) and not db_field.choices:
        kwargs.setdefault("form_class", MultilineField)
    return db_field.formfield(**kwargs)


class JobForm(PickerFormMixin, forms.ModelForm):
    places = MultilineField(
        label="Locations",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One place per line as “City, Country”, e.g. “Berlin, Germany”.",
    )
    applicant_countries_text = forms.CharField(
        label="Countries applicants may live in",
        required=False,
        max_length=1000,
        help_text="Remote jobs not open to everyone: comma separated, e.g. “Germany, France”.",
    )
    required_skills = SkillsField(
        label="Required skills",
        queryset=Skill.objects.visible(),
        noun="required skill",
        error_messages={"required": "Choose at least one skill the role requires."},
    )
    nice_skills = SkillsField(
        label="Nice-to-have skills",
        queryset=Skill.objects.visible(),
        noun="nice-to-have skill",
        required=False,
    )
    expires_on = forms.DateField(
        label="Closing date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day people can apply; the job comes down after it. "
        f"At most {settings.JOB_MAX_LIFETIME_DAYS} days ahead; "
        f"{settings.JOB_DEFAULT_LIFETIME_DAYS} days after publication if left empty.",
    )
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Job
        formfield_callback = https_by_default
        # Every substantive field but the applicant countries, which the form takes as text.
        fields = [name for name in SUBSTANTIVE_FIELDS if name != "applicant_countries"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 14}),
            "workplace": forms.RadioSelect,
        }
        labels = {"salary_min": "Lowest salary", "salary_max": "Highest salary"}
        help_texts = {
            "description": "Markdown: **bold**, lists with “-”, headings with “###”, links.",
            "salary_currency": "ISO code, e.g. USD, EUR, GBP.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        job = self.instance
        if job.pk and not self.is_bound:
            self.initial["places"] = "\n".join(str(location) for location in job.locations.all())
            self.initial["applicant_countries_text"] = ", ".join(job.applicant_countries)
            job_skills = list(job.job_skills.all())
            self.initial["required_skills"] = [js.skill_id for js in job_skills if js.is_required]
            self.initial["nice_skills"] = [js.skill_id for js in job_skills if not js.is_required]
            if job.expires_at:
                self.initial["expires_on"] = timezone.localdate(job.expires_at)
        self.fields["salary_currency"].widget.attrs.update({"maxlength": 3, "size": 4})
        self.fields["workplace"].choices = Job.Workplace.choices
        # A blank choice that says what it means, not Django's "---------".
        self.fields["employment_type"].choices = [("", "Choose…"), *Job.EmploymentType.choices]
        self.fields["seniority"].choices = [("", "Choose…"), *Job.Seniority.choices]
        self.fields["salary_period"].choices = [("", "Not given"), *Period.choices]

    FIELDSETS = [
        ("The role", ["title", "description", "employment_type", "seniority"]),
        ("Where", ["workplace", "places", "remote_anywhere", "applicant_countries_text"]),
        ("Skills", ["required_skills", "nice_skills"]),
        ("Salary", ["salary_min", "salary_max", "salary_currency", "salary_period"]),
        ("How to apply", ["apply_url", "apply_email", "apply_on_site", "expires_on"]),
    ]
    # The fields in the order the page shows them, which its error summary follows.
    field_order = [name for _, names in FIELDSETS for name in names]

    def fieldsets(self):
        """The form's fields in groups, for a form a person can scan."""
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]

    def clean_description(self):
        description = self.cleaned_data["description"]
        if len(description) > MAX_DESCRIPTION_CHARS:
            raise ValidationError(f"Keep the description under {MAX_DESCRIPTION_CHARS} characters.")
        return description

    def clean_salary_currency(self):
        currency = self.cleaned_data["salary_currency"].strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            raise ValidationError("Use a three-letter currency code such as USD or EUR.")
        return currency

    def clean_places(self):
        places, unknown = [], []
        for line in self.cleaned_data["places"].splitlines():
            if not line.strip():
                continue
            place = parse_place(line)
            (places if place else unknown).append(str(place) if place else line.strip())
        if unknown:
            raise ValidationError(
                "We could not read these places; end each with a country: "
                + "; ".join(f"“{line[:80]}”" for line in unknown)
            )
        if len(places) > 10:
            raise ValidationError("List at most 10 places.")
        return places

    def clean_applicant_countries_text(self):
        codes, unknown = [], []
        for part in self.cleaned_data["applicant_countries_text"].split(","):
            if part.strip():
                code = country_code(part)
                (codes if code else unknown).append(code or part.strip())
        if unknown:
            raise ValidationError(
                "These are not countries we know: " + ", ".join(f"“{u[:40]}”" for u in unknown)
            )
        return sorted(set(codes))

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on is None:
            return None
        today = timezone.localdate()
        if expires_on <= today:
            raise ValidationError("The closing date must be in the future.")
        if expires_on > today + timedelta(days=settings.JOB_MAX_LIFETIME_DAYS):
            raise ValidationError(
                f"The closing date can be at most {settings.JOB_MAX_LIFETIME_DAYS} days ahead."
            )
        return expires_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError("Your submission looks automated; it was not saved.")
        workplace = cleaned.get("workplace")
        countries = cleaned.get("applicant_countries_text") or []
        # A job that is not remote drops what was said of remote applicants; whether a remote
        # job says it rightly is the model's rule (`remote_scope_error`), run by `Job.clean()`.
        if workplace and workplace != Job.Workplace.REMOTE:
            cleaned["remote_anywhere"] = False
            self.instance.remote_anywhere = False
            countries = []
            if "places" in cleaned and not cleaned["places"]:
                self.add_error("places", "Say where the job is: on-site and hybrid jobs need one.")
        self.instance.applicant_countries = countries
        required = set(cleaned.get("required_skills") or [])
        nice = cleaned.get("nice_skills") or []
        cleaned["nice_skills"] = [skill for skill in nice if skill not in required]
        return cleaned

    def add_error(self, field, error):
        """As Django's, but the model's remote-scope error on a remote job is shown beside the
        countries box, where the form asks where applicants may live."""
        if (
            field is None
            and hasattr(error, "error_dict")
            and "remote_anywhere" in error.error_dict
            and self.cleaned_data.get("workplace") == Job.Workplace.REMOTE
        ):
            error.error_dict.setdefault("applicant_countries_text", []).extend(
                error.error_dict.pop("remote_anywhere")
            )
        super().add_error(field, error)

    def posted_fields(self) -> dict:
        """The job's fields as the form read them, leaving out those it could not read."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        if "applicant_countries_text" in data:
            fields["applicant_countries"] = data["applicant_countries_text"]
        if data.get("expires_on"):
            fields["expires_at"] = timezone.make_aware(
                datetime.combine(data["expires_on"], time(23, 59))
            )
        return fields

    def to_posting(self) -> Posting:
        data = self.cleaned_data
        return Posting(
            fields=self.posted_fields(),
            places=data["places"],
            required=list(data["required_skills"]),
            nice=list(data["nice_skills"]),
        )


class LogoField(forms.ImageField):
    """An image of at most 1 MB and MAX_LOGO_SIDE pixels a side, judged before it is decoded.

    Pillow reads only the header here; a few kilobytes can declare billions of pixels, which
    Pillow refuses past twice Image.MAX_IMAGE_PIXELS and this field far below that.
    """

    def to_python(self, data):
        if data and getattr(data, "size", 0) > MAX_LOGO_BYTES:
            raise ValidationError("The logo must be at most 1 MB.")
        try:
            logo = super().to_python(data)
        except ValidationError as error:
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise ValidationError(TOO_MANY_PIXELS) from error
            raise
        if logo is not None and max(logo.image.size) > MAX_LOGO_SIDE:
            raise ValidationError(TOO_MANY_PIXELS)
        return logo


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        formfield_callback = https_by_default
        fields = ["name", "website", "about", "logo", "size", "sectors"]
        field_classes = {"logo": LogoField}
        widgets = {
            "about": forms.Textarea(attrs={"rows": 8}),
            "sectors": forms.CheckboxSelectMultiple,
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address of the person to invite")


class ApplicationEmailsForm(forms.Form):
    application_emails = forms.ChoiceField(
        label="E-mail me about new applications",
        choices=CompanyMembership.ApplicationEmails.choices,
        widget=forms.RadioSelect,
    )


class RejectForm(forms.Form):
    reason = MultilineField(
        label="Reason (the employer reads this)", widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.ModelForm):
    # A radio list offers no blank choice: the reporter must pick a reason.
    reason = forms.ChoiceField(
        label="What is wrong with this listing?",
        choices=JobReport.Reason.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = JobReport
        fields = ["reason", "details", "reporter_email"]
        field_classes = {"details": MultilineField}
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}
        labels = {"reporter_email": "Your email (optional, if we may reply)"}


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label="Title contains", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Job.Status.choices]
    )


class CompareRolesForm(forms.Form):
    """Two to four roles by slug, comma-separated or as repeated `roles` (the checkboxes)."""

    MIN_ROLES = 2
    MAX_ROLES = 4

    roles = forms.CharField(
        max_length=600, error_messages={"required": "Choose from 2 to 4 roles to compare."}
    )

    def __init__(self, query, *, choices):
        super().__init__({"roles": ",".join(query.getlist("roles"))})
        self.choices = choices

    def clean_roles(self) -> list[CareerRole]:
        slugs = list(dict.fromkeys(s.strip() for s in self.cleaned_data["roles"].split(",")))
        slugs = [slug for slug in slugs if slug]
        if not self.MIN_ROLES <= len(slugs) <= self.MAX_ROLES:
            raise ValidationError(
                f"Choose from {self.MIN_ROLES} to {self.MAX_ROLES} roles to compare; "
                f"{len(slugs)} {'was' if len(slugs) == 1 else 'were'} given."
            )
        known = {role.slug: role for role in self.choices.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise ValidationError(
                f"No career role is called {', '.join(f'“{s}”' for s in unknown)}; "
                "choose roles from the list of careers."
            )
        return [known[slug] for slug in slugs]
