from wagtail import hooks

from registry.admin import RegistryViewSetGroup


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()
