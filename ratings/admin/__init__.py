"""The rating domain in the Wagtail admin: views, forms and viewsets; `wagtail_hooks` registers them."""
