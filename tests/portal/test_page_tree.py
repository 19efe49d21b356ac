"""The page tree (SPEC §7): which page type may sit under which. The home page under the root; the
estate, firm and rating sections under the home page, each holding only its own pages; standard
pages under the home page or one another. The migrated site has each section once, and no second
one can be added."""

import pytest

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cases.models import CaseIndexPage, CasePage
from portal.models import HomePage, StandardPage
from ratings.models import QuarterPage, RatingIndexPage
from registry.models import EstateIndexPage, EstatePage, FirmIndexPage, FirmPage

SECTIONS = (EstateIndexPage, FirmIndexPage, RatingIndexPage, CaseIndexPage)
RECORDS = (EstatePage, FirmPage, QuarterPage, CasePage)


class PageTreeTests(WagtailPageTestCase):
    # Wagtail lists the abstract wagtailcore.Page wherever any type is allowed; nobody can create
    # one (`is_creatable` is False), so "any" below means HomePage's and StandardPage's children.

    def test_the_home_page_sits_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        for parent in (HomePage, StandardPage, *SECTIONS, *RECORDS):
            self.assertCanNotCreateAt(parent, HomePage)

    def test_the_home_page_holds_the_three_sections_and_standard_pages(self):
        self.assertAllowedSubpageTypes(HomePage, {Page, StandardPage, *SECTIONS})
        for child in (StandardPage, *SECTIONS):
            self.assertCanCreateAt(HomePage, child)
        for child in RECORDS:
            self.assertCanNotCreateAt(HomePage, child)
        self.assertFalse(Page.is_creatable)

    def test_the_estate_section_holds_estate_pages_only(self):
        self.assertAllowedParentPageTypes(EstateIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(EstateIndexPage, {EstatePage})
        self.assertAllowedParentPageTypes(EstatePage, {EstateIndexPage})
        self.assertAllowedSubpageTypes(EstatePage, set())
        self.assertCanCreateAt(EstateIndexPage, EstatePage)
        for parent in (Page, HomePage, StandardPage, FirmIndexPage, RatingIndexPage):
            self.assertCanNotCreateAt(parent, EstatePage)
        for parent in (Page, StandardPage, EstateIndexPage, EstatePage):
            self.assertCanNotCreateAt(parent, EstateIndexPage)

    def test_the_firm_section_holds_firm_pages_only(self):
        self.assertAllowedParentPageTypes(FirmIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(FirmIndexPage, {FirmPage})
        self.assertAllowedParentPageTypes(FirmPage, {FirmIndexPage})
        self.assertAllowedSubpageTypes(FirmPage, set())
        self.assertCanCreateAt(FirmIndexPage, FirmPage)
        for parent in (Page, HomePage, StandardPage, EstateIndexPage, RatingIndexPage):
            self.assertCanNotCreateAt(parent, FirmPage)
        for parent in (Page, StandardPage, FirmIndexPage, FirmPage):
            self.assertCanNotCreateAt(parent, FirmIndexPage)

    def test_the_rating_section_holds_quarter_pages_only(self):
        self.assertAllowedParentPageTypes(RatingIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(RatingIndexPage, {QuarterPage})
        self.assertAllowedParentPageTypes(QuarterPage, {RatingIndexPage})
        self.assertAllowedSubpageTypes(QuarterPage, set())
        self.assertCanCreateAt(RatingIndexPage, QuarterPage)
        for parent in (Page, HomePage, StandardPage, EstateIndexPage, FirmIndexPage):
            self.assertCanNotCreateAt(parent, QuarterPage)
        for parent in (Page, StandardPage, RatingIndexPage, QuarterPage):
            self.assertCanNotCreateAt(parent, RatingIndexPage)

    def test_standard_pages_nest_under_the_home_page_and_one_another_but_not_in_a_section(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {Page, StandardPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        for parent in (Page, *SECTIONS, *RECORDS):
            self.assertCanNotCreateAt(parent, StandardPage)


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS, ids=lambda model: model.__name__)
def test_the_migrated_site_has_each_section_once_and_no_room_for_another(section):
    home = HomePage.objects.get()
    assert section.objects.child_of(home).count() == section.objects.count() == 1
    assert not section.can_create_at(home)
    assert not HomePage.can_create_at(Page.get_first_root_node())
