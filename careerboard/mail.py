"""Sending email from templates: <app>/email/<name>.txt and <name>_subject.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def send_templated_mail(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> None:
    """Render `template`.txt and `template`_subject.txt with the context and send one email."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers).send()
