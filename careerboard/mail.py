"""Every email the site sends: plain text from <app>/email/<name>.txt and <name>_subject.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def send_templated_mail(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> None:
    """Render `template`.txt and `template`_subject.txt as plain text and send one email.

    Rendering uses the "email" template engine, which never HTML-escapes. The subject is one line.
    `site_name` and `site_url` always name this site, whatever the caller passed under those
    names (Django's password reset passes the request's host as `site_name`).
    """
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    subject = render_to_string(f"{template}_subject.txt", context, using="email")
    body = render_to_string(f"{template}.txt", context, using="email")
    EmailMessage(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to, headers=headers
    ).send()
