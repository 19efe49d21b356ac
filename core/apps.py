from django.apps import AppConfig


class CoreConfig(AppConfig):
    """No domain: reading tabular files, the row contract of imports, the exceptions, bulk writes,
    audit helpers and background jobs that every domain app shares (the bottom layer of the house)."""

    name = "core"
    verbose_name = "公共组件"

    def ready(self):
        from core import pagecache, serving

        pagecache.connect()
        serving.connect()
