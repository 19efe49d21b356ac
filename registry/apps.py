from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Streets, communities, groups, firms, estates and their service contracts, with the public
    pages of estates and firms (SPEC §2, §7): the layer every domain app builds on."""

    name = "registry"
    verbose_name = "登记册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from registry import firm_access

        firm_access.install()
