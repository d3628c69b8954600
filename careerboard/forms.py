"""Account forms: sign-up, the board roles an account takes, and password resets."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm

from careerboard.mail import send_templated_mail
from careerboard.models import Resource, Skill, User


class SignupForm(UserCreationForm):
    PURPOSES = [("seek", "Find a job"), ("hire", "Hire people"), ("both", "Both")]
    purpose = forms.ChoiceField(
        label="I am here to",
        choices=PURPOSES,
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

    def account_fields(self) -> dict:
        """The new account as `careerboard.services.user_create` takes it."""
        purpose = self.cleaned_data["purpose"]
        return {
            "username": self.cleaned_data["username"],
            "email": self.cleaned_data["email"],
            "password": self.cleaned_data["password1"],
            "is_seeking": purpose in ("seek", "both"),
            "is_hiring": purpose in ("hire", "both"),
        }


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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password reset, its email rendered and sent like every other email of the site.

    The email is `email_template_name` and, beside it, the subject `<name>_subject.txt`.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_templated_mail(
            template=email_template_name.removesuffix(".txt"), to=[to_email], context=context
        )
