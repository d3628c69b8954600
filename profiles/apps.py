from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Seeker profiles"

    def ready(self):
        from jobs.cards import register_visitor_data
        from profiles.matching import visitor_card_data

        register_visitor_data(visitor_card_data)
