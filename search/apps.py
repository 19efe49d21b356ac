from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "site_search"  # "search" reads too much like Wagtail's own search app
    verbose_name = "站内搜索"
