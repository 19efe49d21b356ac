"""axe on the admin pages a role uses (issue 13): no violation that Wagtail's own pages do not
already have. The baseline is measured in the same browser, same run, on Wagtail's own views, so a
Wagtail upgrade that fixes or adds a violation moves it without a list kept by hand."""

import json

from tests.e2e.test_accessibility import AXE_OPTIONS, AXE_SCRIPT

# Wagtail's own views, reachable by every admin user: the dashboard's neighbours that we do not
# customise (the account page and the page explorer's root).
WAGTAIL_BASELINE_PATHS = ("/admin/account/", "/admin/pages/")


SETTLED = """() => new Promise((resolve) => {
    // Settled: no animation or transition running for half a second (at most 3 s in all), so a
    // transition that a script starts just after load (Wagtail's messages fading in) is waited for.
    let quiet = 0;
    const started = Date.now();
    const tick = () => {
        quiet = document.getAnimations().some((a) => a.playState === "running") ? 0 : quiet + 1;
        if (quiet >= 5 || Date.now() - started > 3000) resolve();
        else setTimeout(tick, 100);
    };
    tick();
})"""


def axe_violations(page) -> dict[str, str]:
    """Rule id → a short description with up to three offending nodes, for the page as it is now,
    once its animations have ended (a flash message fading in has a lower contrast than it ends with)."""
    page.evaluate(SETTLED)
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
    return {
        v["id"]: f"{v['impact']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    }


def wagtail_baseline(page, site_url: str) -> set[str]:
    """The rule ids axe reports on Wagtail's own views for the logged-in user of `page`, then
    returns to where the page was."""
    here = page.url
    rules: set[str] = set()
    for path in WAGTAIL_BASELINE_PATHS:
        response = page.goto(site_url + path)
        if response is not None and response.status == 200:
            rules |= set(axe_violations(page))
    if here and here != "about:blank":
        page.goto(here)
    return rules


def assert_admin_page_accessible(page, baseline: set[str]) -> None:
    """Fails naming every violation on the current page that Wagtail's own pages do not have."""
    extra = {rule: text for rule, text in axe_violations(page).items() if rule not in baseline}
    assert not extra, f"{page.url}:\n" + json.dumps(extra, ensure_ascii=False, indent=1)
