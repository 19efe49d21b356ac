"""Grading (SPEC §3), ratings.engine.grading, without a database: months, one estate's quarter,
ranks, the red and black lists and exit warnings, the firm of a period, and properties."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.engine import (
    PENDING_BAND,
    Contract,
    ExitWarning,
    HotlineFigures,
    ListEntry,
    MonthInput,
    PreviousGrade,
    competition_ranks,
    grade_estate,
    grade_quarter,
    month_evaluate,
    month_firm,
    quarter_firm,
)
from tests.ratings.engine.helpers import (
    FEB,
    FULL_SCORES,
    JAN,
    MAR,
    NO_COMPLAINTS,
    SCHEME,
    Q,
    estate,
    month,
    rated,
    unassessed,
)

# --------------------------------------------------------------------------- months


def test_month_with_figures_and_all_scores_is_assessed_and_totals_its_criteria():
    figures = HotlineFigures(received=12, responded=12, resolved=11, surveyed=10, satisfied=9)
    result = month_evaluate(SCHEME, MonthInput(JAN, {**FULL_SCORES, "owner": D("18")}, figures))
    assert result.assessed
    assert result.criteria["hotline"] == D("27.5")
    assert list(result.criteria) == [c.code for c in SCHEME.criteria]
    assert result.criteria["owner"] == D("18.0") and str(result.criteria["owner"]) == "18.0"
    assert result.total == D("95.5")


def test_month_without_hotline_figures_is_not_assessed():
    result = month_evaluate(SCHEME, unassessed(JAN))
    assert not result.assessed and result.total is None
    assert "hotline" not in result.criteria and len(result.criteria) == 6


def test_month_missing_one_score_is_not_assessed_but_keeps_the_derived_hotline():
    scores = {k: v for k, v in FULL_SCORES.items() if k != "safety"}
    result = month_evaluate(SCHEME, MonthInput(JAN, scores, NO_COMPLAINTS))
    assert not result.assessed and result.total is None
    assert result.criteria["hotline"] == D("30.0")


@pytest.mark.parametrize(
    "scores",
    [
        {"owner": D("20.1")},
        {"owner": D("-0.1")},
        {"owner": D("18.25")},
        {"hotline": D("30")},
        {"parking": D("1")},
    ],
)
def test_month_rejects_invalid_scores(scores):
    with pytest.raises(ValueError):
        month_evaluate(SCHEME, MonthInput(JAN, scores, None))


def test_a_veto_needs_a_reason():
    with pytest.raises(ValueError, match="一票否决须注明原因"):
        month_evaluate(SCHEME, MonthInput(JAN, {}, None, veto=True, veto_reason="  "))


@pytest.mark.parametrize("bad", ["2025-13", "2025-1", "202501", "2025-00"])
def test_month_rejects_a_malformed_month(bad):
    with pytest.raises(ValueError):
        month_evaluate(SCHEME, MonthInput(bad, {}, None))


# --------------------------------------------------------------------------- one estate


def test_quarter_score_is_the_mean_of_assessed_totals_to_two_places():
    grade = grade_estate(SCHEME, estate("E1", month(JAN, "90.0"), month(FEB, "89.9"), month(MAR, "89.9")))
    assert grade.score == D("89.93") and str(grade.score) == "89.93"
    assert grade.months_assessed == 3 and grade.band == "blue"


def test_unassessed_months_do_not_count_in_the_mean():
    grade = grade_estate(SCHEME, estate("E1", month(JAN, "95"), month(FEB, "85"), unassessed(MAR)))
    assert (grade.score, grade.months_assessed, grade.band) == (D("90.00"), 2, "green")


def test_estate_with_one_assessed_month_and_no_veto_is_pending():
    grade = grade_estate(SCHEME, estate("E1", month(JAN, "95"), unassessed(FEB), unassessed(MAR)))
    assert grade.band == PENDING_BAND and not grade.rated
    assert grade.score == D("95.00")  # kept internally; published as 数据不足
    assert grade.reward_yuan is None and grade.inspections_per_month is None
    assert grade.interview is None
    assert grade.points_lost == {} and grade.points_to_next_band is None


def test_veto_with_no_assessed_month_is_red_and_rated():
    grade = grade_estate(SCHEME, estate("E1", unassessed(JAN, veto_reason="重大安全事故")))
    assert grade.rated and grade.band == "red" and grade.vetoed
    assert grade.score is None and grade.months_assessed == 0
    assert grade.veto_reasons == ("重大安全事故",)
    assert (grade.reward_yuan, grade.inspections_per_month, grade.interview) == (0, 4, True)
    assert grade.points_to_next_band is None and grade.points_lost == {}


def test_veto_with_one_assessed_month_is_red_whatever_the_score():
    grade = grade_estate(SCHEME, estate("E1", month(JAN, "99", veto_reason="党支部否决")))
    assert grade.rated and grade.band == "red" and grade.score == D("99.00")
    assert grade.points_to_next_band is None


def test_consequences_follow_the_band():
    for total, expected in [
        ("95", (30000, 0, False)),
        ("85", (10000, 1, False)),
        ("75", (0, 3, False)),
        ("65", (0, 4, True)),
    ]:
        g = grade_estate(SCHEME, rated("E1", total))
        assert (g.reward_yuan, g.inspections_per_month, g.interview) == expected


def test_points_lost_per_criterion_and_points_to_next_band():
    hotline = HotlineFigures(received=12, responded=12, resolved=11, surveyed=10, satisfied=9)
    jan = MonthInput(JAN, {**FULL_SCORES, "owner": D("15"), "safety": D("8")}, hotline)  # 90.5
    feb = MonthInput(FEB, {**FULL_SCORES, "owner": D("16"), "standards": D("4")}, NO_COMPLAINTS)
    grade = grade_estate(SCHEME, estate("E1", jan, feb))  # feb totals 95.0
    assert grade.score == D("92.75") and grade.band == "green"
    assert grade.points_to_next_band is None
    assert grade.points_lost == {
        "hotline": D("1.25"),
        "owner": D("4.50"),
        "environment": D("0.00"),
        "civility": D("0.00"),
        "sanitation": D("0.00"),
        "safety": D("1.00"),
        "standards": D("0.50"),
    }
    assert sum(grade.points_lost.values()) == D("100") - grade.score
    assert grade_estate(SCHEME, rated("E2", "85.3")).points_to_next_band == D("4.70")
    assert grade_estate(SCHEME, rated("E3", "70.0")).points_to_next_band == D("10.00")
    assert grade_estate(SCHEME, rated("E4", "42.5")).points_to_next_band == D("27.50")


def test_complaints_per_1000_cover_the_quarter_received_total():
    figs = [HotlineFigures(3, 3, 3, 0, 0), HotlineFigures(2, 2, 2, 0, 0)]
    months = (
        MonthInput(JAN, FULL_SCORES, figs[0]),
        MonthInput(FEB, FULL_SCORES, figs[1]),
        MonthInput(MAR, FULL_SCORES, None),
    )
    grade = grade_estate(SCHEME, estate("E1", *months, households=1500))
    assert grade.complaints_per_1000_households == D("3.33")
    no_figures = grade_estate(SCHEME, estate("E2", unassessed(JAN)))
    assert no_figures.complaints_per_1000_households is None


def test_months_are_kept_in_calendar_order_with_their_own_firm():
    grade = grade_estate(SCHEME, estate("E1", month(MAR, firm="B"), month(JAN, firm="A")))
    assert [(m.month, m.firm) for m in grade.months] == [(JAN, "A"), (MAR, "B")]


def test_a_month_given_twice_is_rejected():
    with pytest.raises(ValueError):
        grade_estate(SCHEME, estate("E1", month(JAN), month(JAN)))


# --------------------------------------------------------------------------- ranking


def test_competition_ranks_share_ranks_and_skip():
    assert competition_ranks([]) == []
    assert competition_ranks(["a", "a", "a", "b"]) == [1, 1, 1, 4]
    assert competition_ranks([1, 2, 2, 4, 5, 5]) == [1, 2, 2, 4, 5, 5]


def test_three_way_tie_shares_first_place_and_next_is_fourth():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[rated("E3", "92"), rated("E1", "92"), rated("E4", "88"), rated("E2", "92")],
    )
    assert [(g.code, g.rank_overall) for g in result.grades] == [("E1", 1), ("E2", 1), ("E3", 1), ("E4", 4)]


def test_vetoed_estates_rank_after_non_vetoed_and_without_score_last():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            estate("V0", unassessed(JAN, veto_reason="重大安全事故")),
            estate("V1", month(JAN, "99", veto_reason="党支部否决")),
            estate("V2", month(JAN, "60", veto_reason="党支部否决"), month(FEB, "60")),
            rated("R", "50"),
            rated("G", "95"),
            estate("P", month(JAN, "100")),  # pending
        ],
    )
    order = [(g.code, g.band, g.rank_overall) for g in result.grades]
    assert order == [
        ("G", "green", 1),
        ("R", "red", 2),
        ("V1", "red", 3),
        ("V2", "red", 4),
        ("V0", "red", 5),
        ("P", "pending", None),
    ]


def test_vetoed_estates_without_score_tie_with_each_other():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            estate("V2", unassessed(JAN, veto_reason="x")),
            estate("V1", unassessed(FEB, veto_reason="y")),
            rated("A", "80"),
        ],
    )
    assert [(g.code, g.rank_overall) for g in result.grades] == [("A", 1), ("V1", 2), ("V2", 2)]


def test_pending_estates_get_no_rank_and_leave_no_gap():
    result = grade_quarter(
        SCHEME, quarter=Q, estates=[rated("E1", "90"), estate("E0", month(JAN, "99")), rated("E2", "80")]
    )
    assert [(g.code, g.rank_overall, g.rank_in_group) for g in result.grades] == [
        ("E1", 1, 1),
        ("E2", 2, 2),
        ("E0", None, None),
    ]


def test_ranks_within_group_are_separate_from_overall():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            rated("A1", "95", group="商品房"),
            rated("B1", "93", group="老旧小区"),
            rated("A2", "91", group="商品房"),
            rated("B2", "91", group="老旧小区"),
        ],
    )
    ranks = {g.code: (g.rank_overall, g.rank_in_group) for g in result.grades}
    assert ranks == {"A1": (1, 1), "B1": (2, 1), "A2": (3, 2), "B2": (3, 2)}


def test_grade_quarter_rejects_foreign_months_and_duplicate_estates():
    with pytest.raises(ValueError, match="不属于"):
        grade_quarter(SCHEME, quarter=Q, estates=[estate("E1", month("2025-04"))])
    with pytest.raises(ValueError, match="重复"):
        grade_quarter(SCHEME, quarter=Q, estates=[rated("E1", "90"), rated("E1", "80")])


# --------------------------------------------------------------------------- lists


def test_red_list_holds_firms_whose_rated_estates_are_all_green():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            rated("E1", "95", firm="F_ALL_GREEN"),
            estate("E2", month(JAN, "50"), firm="F_ALL_GREEN"),
            rated("E3", "95", firm="F_MIXED"),
            rated("E4", "89.9", firm="F_MIXED"),
            estate("E5", month(JAN, "99"), firm="F_ONLY_PENDING"),
            rated("E6", "95", firm="F_VETO"),
            estate("E7", month(JAN, "99", veto_reason="重大安全事故"), month(FEB, "99"), firm="F_VETO"),
            rated("E8", "96", firm="F_B"),
            rated("E9", "99", firm=None),
        ],
    )
    assert result.red_list == ("F_ALL_GREEN", "F_B")


def test_black_list_gives_reasons_for_red_and_veto():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            rated("E001", "65", firm="F1"),
            estate("E003", month(JAN, "95", veto_reason="重大安全事故"), firm="F1"),
            rated("E004", "95", firm="F2"),
        ],
    )
    assert result.black_list == (
        ListEntry("F1", ("小区 E001 本季度红牌", "小区 E003 一票否决：重大安全事故"), ("E001", "E003")),
    )


def test_black_list_reasons_name_each_estate_when_its_name_is_given():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        names={"E001": "杏坛东里", "E003": "安和北里"},
        estates=[
            rated("E001", "65", firm="F1"),
            estate("E003", month(JAN, "95", veto_reason="重大安全事故"), firm="F1"),
            rated("E004", "65", firm="F2"),  # no name given: the code alone, as before
        ],
    )
    assert result.black_list == (
        ListEntry(
            "F1", ("杏坛东里（E001）本季度红牌", "安和北里（E003）一票否决：重大安全事故"), ("E001", "E003")
        ),
        ListEntry("F2", ("小区 E004 本季度红牌",), ("E004",)),
    )


def test_black_list_by_two_yellow_quarters_under_the_same_firm():
    previous = {
        "E002": PreviousGrade("yellow", "F1"),
        "E005": PreviousGrade("yellow", "F_OLD"),
        "E006": PreviousGrade("blue", "F3"),
    }
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        previous=previous,
        estates=[
            rated("E002", "75", firm="F1"),
            rated("E005", "75", firm="F2"),  # the firm changed: not this firm's second yellow
            rated("E006", "75", firm="F3"),  # blue before
            rated("E007", "75", firm="F4"),  # no previous quarter
        ],
    )
    assert result.black_list == (ListEntry("F1", ("小区 E002 连续两个季度黄牌",), ("E002",)),)


def test_exit_warning_for_red_in_two_quarters_under_the_same_firm():
    previous = {
        "E1": PreviousGrade("red", "F1"),
        "E2": PreviousGrade("red", "F_OLD"),
        "E3": PreviousGrade("yellow", "F3"),
    }
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        previous=previous,
        estates=[rated("E1", "60", firm="F1"), rated("E2", "60", firm="F2"), rated("E3", "60", firm="F3")],
    )
    assert result.exit_warnings == (ExitWarning("E1", "F1"),)


def test_firm_summary_counts_bands_means_rated_scores_and_names_the_worst_band():
    result = grade_quarter(
        SCHEME,
        quarter=Q,
        estates=[
            rated("E1", "95", firm="F1"),
            rated("E2", "85.5", firm="F1"),
            rated("E3", "72", firm="F1"),
            estate("E4", month(JAN, "30"), firm="F1"),
            estate("E5", month(JAN, "99"), firm="F2"),
        ],
    )
    f1 = result.firm_summaries["F1"]
    assert f1.estates_per_band == {"green": 1, "blue": 1, "yellow": 1, "red": 0, "pending": 1}
    assert f1.mean_score == D("84.17")  # (95 + 85.5 + 72) / 3 = 84.1666…
    assert f1.worst_band == "yellow"
    f2 = result.firm_summaries["F2"]
    assert (f2.mean_score, f2.worst_band, f2.estates_per_band["pending"]) == (None, None, 1)


def test_firm_summary_mean_skips_a_vetoed_estate_without_score_but_its_band_counts():
    result = grade_quarter(
        SCHEME, quarter=Q, estates=[rated("E1", "95"), estate("E2", unassessed(JAN, veto_reason="事故"))]
    )
    summary = result.firm_summaries["F1"]
    assert (summary.mean_score, summary.worst_band) == (D("95.00"), "red")


# --------------------------------------------------------------------------- the firm of a period


def test_quarter_firm_after_a_change_mid_quarter_is_the_firm_on_the_last_day():
    contracts = [Contract("A", date(2020, 1, 1), date(2025, 2, 14)), Contract("B", date(2025, 2, 15), None)]
    assert quarter_firm(contracts, "2025Q1") == "B"
    assert quarter_firm(contracts, "2024Q4") == "A"
    assert quarter_firm(contracts, "2019Q4") is None
    assert month_firm(contracts, "2025-01") == "A" and month_firm(contracts, "2025-02") == "B"


def test_quarter_firm_without_a_contract_on_the_last_day_is_the_last_firm_that_managed_it():
    contracts = [
        Contract("A", date(2024, 1, 1), date(2025, 1, 31)),
        Contract("B", date(2025, 2, 1), date(2025, 2, 28)),
        Contract("C", date(2025, 4, 1), None),
    ]
    assert quarter_firm(contracts, "2025Q1") == "B"
    assert quarter_firm(contracts, "2025Q2") == "C"


def test_a_contract_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError):
        quarter_firm([Contract("A", date(2025, 2, 1), date(2025, 1, 1))], "2025Q1")


# --------------------------------------------------------------------------- properties


totals = st.decimals(min_value=D("30"), max_value=D("100"), places=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=30).map(sorted))
def test_property_competition_rank_is_one_plus_strictly_better_keys(keys):
    ranks = competition_ranks(keys)
    assert ranks == [1 + sum(other < key for other in keys) for key in keys]


@st.composite
def quarter_estates(draw):
    out = []
    for i in range(draw(st.integers(1, 12))):
        chosen = draw(st.lists(st.sampled_from([JAN, FEB, MAR]), unique=True, max_size=3))
        months = tuple(
            month(
                m,
                draw(st.sampled_from(["95", "85", "75", "65"])),
                veto_reason=draw(st.sampled_from(["", "", "", "事故"])),
            )
            if draw(st.booleans())
            else unassessed(m, veto_reason=draw(st.sampled_from(["", "事故"])))
            for m in chosen
        )
        out.append(estate(f"E{i:02d}", *months, group=draw(st.sampled_from("AB"))))
    return out


@settings(max_examples=60, deadline=None)
@given(quarter_estates())
def test_property_quarter_ranks_are_a_competition_ranking(estates):
    result = grade_quarter(SCHEME, quarter=Q, estates=estates)

    def key(g):
        return (g.vetoed, g.score is None, -(g.score or 0))

    graded = [g for g in result.grades if g.rated]
    for g in graded:
        assert g.rank_overall == 1 + sum(key(o) < key(g) for o in graded)
        same = [o for o in graded if o.group == g.group]
        assert g.rank_in_group == 1 + sum(key(o) < key(g) for o in same)
    assert all(g.rank_overall is None for g in result.grades if not g.rated)
    assert [g.rated for g in result.grades] == sorted((g.rated for g in result.grades), reverse=True)


@settings(max_examples=60, deadline=None)
@given(quarter_estates(), st.integers(0, 11), st.booleans())
def test_property_a_veto_is_always_red(estates, which, assessed):
    target = estates[which % len(estates)]
    others = [m for m in target.months if m.month != MAR]
    veto_month = month(MAR, "100", veto_reason="否决") if assessed else unassessed(MAR, veto_reason="否决")
    grade = grade_estate(SCHEME, estate(target.code, *others, veto_month))
    assert grade.vetoed and grade.rated and grade.band == "red"
    for g in grade_quarter(SCHEME, quarter=Q, estates=estates).grades:
        if g.vetoed:
            assert g.band == "red" and g.rated and g.points_to_next_band is None


@settings(max_examples=150, deadline=None)
@given(st.lists(totals, min_size=1, max_size=2), totals)
def test_property_adding_an_assessed_month_moves_the_score_toward_its_total(old_totals, new):
    months = [month(m, t) for m, t in zip((JAN, FEB), old_totals, strict=False)]
    old = grade_estate(SCHEME, estate("E1", *months)).score
    score = grade_estate(SCHEME, estate("E1", *months, month(MAR, new))).score
    assert min(old, new) <= score <= max(old, new)
