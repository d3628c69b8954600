"""Seekers' forms: profile, skills, applying, alerts; and the employer's status form."""

from django import forms

from careerboard.models import Skill
from careerboard.widgets import PickerFormMixin, SkillLevelsField
from jobs.forms import https_by_default
from jobs.models import Application, Job
from profiles.models import JobAlert, Profile, ProfileSkill
from profiles.services import resume_kind


class ResumeField(forms.FileField):
    """A PDF, DOCX or ODT of at most 5 MB, checked by content."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "read"):
            resume_kind(upload)
        return upload


class ProfileForm(PickerFormMixin, forms.ModelForm):
    workplaces = forms.MultipleChoiceField(
        label="Preferred workplaces",
        choices=Job.Workplace.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employment_types = forms.MultipleChoiceField(
        label="Employment types I want",
        choices=Job.EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resume_upload = ResumeField(
        label="Resume (PDF, DOCX or ODT, at most 5 MB)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
    remove_resume = forms.BooleanField(
        label="Remove my resume", required=False, help_text="Applications keep the copy sent."
    )
    skills = SkillLevelsField(
        label="Skills",
        required=False,
        queryset=Skill.objects.visible(),
        levels=ProfileSkill._meta.get_field("level").choices,
        help_text="Level 1 is a beginner, 2 is still learning, 3 uses it at work, 4 is strong and "
        "5 is an expert; years are how long you have used it. Skills added or removed are kept "
        "once you save your profile.",
    )

    class Meta:
        model = Profile
        fields = [
            "headline",
            "location",
            "years_experience",
            "desired_roles",
            "workplaces",
            "employment_types",
            "min_salary",
            "github_url",
            "portfolio_url",
            "visibility",
        ]
        widgets = {"visibility": forms.RadioSelect}
        formfield_callback = https_by_default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.resume:
            del self.fields["remove_resume"]
        if self.instance.pk:
            rows = self.instance.skills.select_related("skill")
            rows = sorted(rows, key=lambda row: (-row.level, row.skill.name.casefold()))
            self.initial["skills"] = [(row.skill_id, row.level, row.years) for row in rows]

    def clean_years_experience(self):
        years = self.cleaned_data["years_experience"]
        if years is not None and years > 60:
            raise forms.ValidationError("Give your years of experience (at most 60).")
        return years


class ApplyForm(forms.Form):
    note = forms.CharField(
        label="A short note to the employer",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    resume = ResumeField(
        label="Send a different resume (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )


class AlertForm(forms.ModelForm):
    class Meta:
        model = JobAlert
        fields = ["query", "frequency"]
        widgets = {"query": forms.HiddenInput}


class AlertFrequencyForm(forms.ModelForm):
    class Meta:
        model = JobAlert
        fields = ["frequency"]


class ApplicationStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.WITHDRAWN]
    )
