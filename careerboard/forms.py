"""Account forms: sign-up and the board roles an account takes."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from careerboard.models import Resource, Skill, User


class SignupForm(UserCreationForm):
    purpose = forms.ChoiceField(
        label="I am here to",
        choices=[("seek", "Find a job"), ("hire", "Hire people"), ("both", "Both")],
        widget=forms.RadioSelect,
        initial="seek",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        purpose = self.cleaned_data["purpose"]
        user.is_seeking = purpose in ("seek", "both")
        user.is_hiring = purpose in ("hire", "both")
        if commit:
            user.save()
        return user


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "is_seeking", "is_hiring"]
        labels = {"is_seeking": "I am looking for work", "is_hiring": "I hire for a company"}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another account uses this email address.")
        return email


class ResourceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *Resource.Kind.choices]
    )
    skill = forms.ModelChoiceField(
        label="Teaches",
        required=False,
        queryset=Skill.objects.visible().filter(resources__isnull=False).distinct(),
        to_field_name="slug",
        empty_label="Any skill",
    )
