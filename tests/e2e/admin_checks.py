"""Checks shared by the admin's browser tests (issue 13): logging a demo user in, and a custom
button that shows its icon at icon size and its whole label inside the screen."""

MAX_ICON_PX = 24  # Wagtail 8 draws a button's icon at 1em; unsized it was the SVG default, 300×150
MAX_BUTTON_HEIGHT_PX = 60


def admin_login(page, site_url: str, username: str) -> None:
    page.goto(site_url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def assert_labelled_button(page, label: str) -> None:
    """The button named `label` is one line high, fits the viewport, draws its icon small, and its
    label's text is laid out inside both the button and the viewport."""
    button = page.get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    box = button.evaluate(
        """b => {
            const r = b.getBoundingClientRect();
            const icon = b.querySelector('svg').getBoundingClientRect();
            const text = [...b.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
            const range = document.createRange();
            range.selectNodeContents(text);
            const t = range.getBoundingClientRect();
            return {left: r.left, right: r.right, width: r.width, height: r.height,
                    iconWidth: icon.width, iconHeight: icon.height, text: text.textContent.trim(),
                    textLeft: t.left, textRight: t.right, textWidth: t.width,
                    viewport: document.documentElement.clientWidth};
        }"""
    )
    assert box["text"] == label, box
    assert box["iconWidth"] <= MAX_ICON_PX and box["iconHeight"] <= MAX_ICON_PX, box
    assert 0 < box["height"] <= MAX_BUTTON_HEIGHT_PX, box
    assert box["left"] >= 0 and box["right"] <= box["viewport"], box
    assert box["textWidth"] > 0 and box["left"] <= box["textLeft"] and box["textRight"] <= box["right"], box
    assert button.is_visible()
