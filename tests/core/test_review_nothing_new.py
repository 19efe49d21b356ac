"""core.review.holds_nothing_new: a late review decision is refused only when its form says exactly
what the page already says, its inline lists and the lists nested in their items included."""

from decimal import Decimal
from types import SimpleNamespace

from core.review import holds_nothing_new


class Items:
    def __init__(self, *items):
        self.items = list(items)

    def all(self):
        return self.items


class ItemForm:
    def __init__(self, order, *, delete=False, formsets=None, **values):
        self.cleaned_data = {"id": None, "ORDER": order, "DELETE": delete, "page": None, **values}
        self.formsets = formsets or {}


class Formset:
    def __init__(self, *forms):
        self.forms = list(forms)
        self.fk = SimpleNamespace(name="page")

    def has_changed(self):
        return False


class PageForm:
    def __init__(self, changed=(), **formsets):
        self.changed_data = list(changed)
        self.formsets = formsets

    def is_valid(self):
        return True


def fee(name, price, *, parts=()):
    return SimpleNamespace(name=name, price=Decimal(price), parts=Items(*parts))


def part(label):
    return SimpleNamespace(label=label)


def page():
    return SimpleNamespace(fees=Items(fee("物业费", "1.80", parts=[part("保洁")]), fee("停车费", "150")))


def posted(*, first_price="1.80", part_label="保洁", delete_second=False, changed=()):
    return PageForm(
        changed,
        fees=Formset(
            # In the order the editor left them, not the order posted.
            ItemForm(2, name="停车费", price=Decimal("150"), delete=delete_second),
            ItemForm(
                1,
                name="物业费",
                price=Decimal(first_price),
                formsets={"parts": Formset(ItemForm(1, label=part_label))},
            ),
        ),
    )


def test_the_same_values_in_the_editors_order_hold_nothing_new():
    assert holds_nothing_new(posted(), page())


def test_a_changed_field_of_the_page_or_of_an_item_is_new():
    assert not holds_nothing_new(posted(changed=["title"]), page())
    assert not holds_nothing_new(posted(first_price="2.00"), page())


def test_an_item_deleted_is_new():
    assert not holds_nothing_new(posted(delete_second=True), page())


def test_an_edit_made_only_in_a_list_nested_in_an_item_is_new():
    assert not holds_nothing_new(posted(part_label="绿化"), page())
