"""Every email the site sends: plain text from <app>/email/<name>.txt and <name>_subject.txt,
rendered at once and put in the outbox (careerboard/outbox.py), which a worker sends."""

from django.conf import settings
from django.template.loader import render_to_string

from careerboard.models import OutboxMessage
from careerboard.outbox import outbox_add


def send_templated_mail(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> OutboxMessage:
    """Render `template`.txt and `template`_subject.txt as plain text and put one email in the
    outbox. Call it inside the transaction of the change the email tells of: the email leaves
    once that transaction commits, and never if it rolls back.

    Rendering uses the "email" template engine, which never HTML-escapes. The subject is one line.
    `site_name` and `site_url` always name this site, whatever the caller passed under those
    names (Django's password reset passes the request's host as `site_name`).
    """
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    subject = render_to_string(f"{template}_subject.txt", context, using="email")
    body = render_to_string(f"{template}.txt", context, using="email")
    return outbox_add(
        template=template, to=to, subject=" ".join(subject.split()), body=body, headers=headers
    )
