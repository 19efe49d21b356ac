from portal import selectors

LARGE_TYPE_COOKIE = "large_type"

# The site's sections, in navigation order; each shows once its page is live.
NAV_SECTIONS = [
    ("/", "首页"),
    ("/estates/", "小区"),
    ("/firms/", "物业企业"),
    ("/ratings/", "评级"),
    ("/cases/", "三微案例"),
]

# The footer's pages about the site itself (the demo makes them: portal/demo_pages.py).
FOOTER_PAGES = [
    ("/about/", "关于本站"),
    ("/privacy/", "隐私政策"),
    ("/accessibility/", "无障碍声明"),
]


def site_shell(request):
    """Large-type mode (a cookie, so it works without JavaScript), the navigation and the site's
    settings (one cache round trip: portal.selectors.shell_values)."""
    live_paths, portal_settings = selectors.shell_values(request)
    return {
        "large_type": request.COOKIES.get(LARGE_TYPE_COOKIE) == "1",
        "nav_sections": selectors.nav_sections(
            NAV_SECTIONS, current_path=request.path, live_paths=live_paths
        ),
        "footer_links": selectors.nav_sections(
            FOOTER_PAGES, current_path=request.path, live_paths=live_paths
        ),
        "portal_settings": portal_settings,
    }
