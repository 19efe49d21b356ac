from django.conf import settings
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cases.feeds import CasesFeed
from disclosures import views as disclosure_views
from portal import sitemaps, views
from portal.api import api_router
from portal.security import ThrottledFrontendLoginForm
from ratings import engine
from ratings import views as ratings_views
from ratings.feeds import RatingsFeed
from registry.feeds import EstateFeed
from search import views as search_views

QUARTER = rf"(?P<quarter_slug>{engine.QUARTER_SLUG_PATTERN})"
VERSION = r"v(?P<version>[1-9][0-9]{0,3})"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("display/large-type/<str:mode>/", views.large_type, name="large_type"),
    path("api/v2/", api_router.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap_section"),
    # Open data: a dot cannot go through RoutablePageMixin, so these come before the pages (SPEC §8).
    re_path(rf"^ratings/{QUARTER}/data\.json$", ratings_views.release_json, name="ratings_data_json"),
    re_path(rf"^ratings/{QUARTER}/data\.csv$", ratings_views.release_csv, name="ratings_data_csv"),
    re_path(
        rf"^ratings/{QUARTER}/{VERSION}/data\.json$", ratings_views.release_json, name="ratings_version_json"
    ),
    re_path(
        rf"^ratings/{QUARTER}/{VERSION}/data\.csv$", ratings_views.release_csv, name="ratings_version_csv"
    ),
    re_path(rf"^ratings/{QUARTER}/data\.xlsx$", ratings_views.release_xlsx, name="ratings_data_xlsx"),
    re_path(
        rf"^ratings/{QUARTER}/{VERSION}/data\.xlsx$", ratings_views.release_xlsx, name="ratings_version_xlsx"
    ),
    re_path(
        r"^estates/(?P<estate_slug>[^/]+)/noticeboard/$", disclosure_views.noticeboard, name="noticeboard"
    ),
    re_path(r"^estates/(?P<estate_slug>[^/]+)/feed/$", EstateFeed(), name="estate_feed"),
    path("feeds/ratings/", RatingsFeed(), name="ratings_feed"),
    path("feeds/cases/", CasesFeed(), name="cases_feed"),
]

if settings.DEBUG or getattr(settings, "PORTAL_SERVE_MEDIA", False):
    # Uploads through Django on a developer's machine only (`make run` runs with DEBUG off).
    from django.views.static import serve

    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# Wagtail's page serving comes last: every path above wins over a page slug. Its front-end login
# (for pages restricted to logged-in users) is Wagtail's, with the form that explains a lockout.
urlpatterns += [
    path(
        "_util/login/",
        LoginView.as_view(
            template_name=wagtail_urls.WAGTAIL_FRONTEND_LOGIN_TEMPLATE,
            authentication_form=ThrottledFrontendLoginForm,
        ),
        name="wagtailcore_login",
    ),
    path("", include(wagtail_urls)),
]
