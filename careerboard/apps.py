from django.apps import AppConfig


class CareerboardConfig(AppConfig):
    name = "careerboard"
    verbose_name = "Core: users, skills and career resources"
