"""What the search app adds to the admin: 设置 → 搜索索引 (rebuild it as a background job)."""

from wagtail import hooks

from search.admin import SearchIndexViewSet


@hooks.register("register_admin_viewset")
def register_search_index_viewset():
    return SearchIndexViewSet()
