"""Every whole form renders through templates/django/forms/: a label above each box without
Django's "Label:" colon, help and errors tied to their box, tick boxes before their label."""

import re

import pytest
from django import forms
from django.urls import reverse

pytestmark = pytest.mark.django_db


class Sample(forms.Form):
    name = forms.CharField(label="Your name", help_text="As on your passport.")
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")])
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree")

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def test_labels_stand_above_their_boxes_without_a_colon():
    html = str(Sample())
    assert '<label for="id_name">Your name</label>' in html
    assert '<label for="id_size">Size</label>' in html
    assert "<legend>Colour</legend>" in html
    assert ":</label>" not in html and ":</legend>" not in html
    assert html.count('<div class="field') == 4


def test_a_tick_box_comes_before_its_label():
    html = str(Sample())
    box = html.index('type="checkbox"')
    assert box < html.index('<label for="id_agree">I agree</label>')
    assert '<div class="checkbox-line"><input type="checkbox"' in html


def test_errors_are_marked_on_the_field_and_named_by_its_box():
    html = str(Sample({"size": "s"}))
    name_field = re.search(r'<div class="field has-error">.*?</div>\s*</div>', html, re.S)
    assert name_field, html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_name_helptext id_name_error"', html)
    assert '<ul class="errorlist" id="id_name_error">' in html
    box = html.index('<div class="errorlist-box" role="alert">')
    assert "Something about the whole form." in html[box : box + 300]


def test_the_sign_up_and_login_pages_use_the_house_form(client):
    for url in (reverse("signup"), reverse("login")):
        html = client.get(url).content.decode()
        assert '<div class="field' in html and ":</label>" not in html, url
