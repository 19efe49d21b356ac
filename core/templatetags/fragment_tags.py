"""`{% cachedfragment %}…{% endcachedfragment %}`: the costly part of a page, kept as HTML under the
page's generation tokens (core.pagecache fragments). The view puts the request's `Fragment` in the
context as `page_fragment` (None when fragments do not apply): on a hit the view skipped the reads
and the tag writes the kept HTML; on a miss the tag renders its content and keeps it."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        fragment = context.get("page_fragment")
        if fragment is None:
            return self.nodelist.render(context)
        if fragment.hit:
            return mark_safe(fragment.html)  # noqa: S308 - HTML this tag rendered and escaped before
        # What renders inside is kept with this fragment (`page_sections` keeps no parts apart).
        with context.push(inside_page_fragment=True):
            html = self.nodelist.render(context)
        fragment.store(html)
        return html


@register.tag
def cachedfragment(parser, token):
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist)
