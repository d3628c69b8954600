"""Views for the page cache policy tests: each leaves one kind of personal trace, or none."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from careerboard.caching import cache_for_anonymous

calls = []
PAGE = engines["django"].from_string(
    "{% for message in messages %}<p>{{ message }}</p>{% endfor %}<p>{{ body }}</p>"
)


def render_page(request, body):
    calls.append(request.path)
    return HttpResponse(PAGE.render({"body": body}, request))


@cache_for_anonymous
def plain(request):
    return render_page(request, "plain")


@cache_for_anonymous
def with_token(request):
    return render_page(request, f"token {get_token(request)}")


@cache_for_anonymous
def with_message(request):
    messages.info(request, "only for you")
    return render_page(request, "message")


def leave_message(request):
    messages.info(request, "only for you")
    return redirect("/plain/")


@cache_for_anonymous
def with_session(request):
    request.session["seen"] = True
    return render_page(request, "session")


urlpatterns = [
    path("plain/", plain),
    path("token/", with_token),
    path("message/", with_message),
    path("session/", with_session),
    path("leave-message/", leave_message),
]
