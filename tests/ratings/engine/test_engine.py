"""The rating engine (SPEC §3), tested without a database: hand-worked examples and properties."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.engine import (
    PENDING_BAND,
    Band,
    Consequence,
    Contract,
    Criterion,
    EstateInput,
    ExitWarning,
    HotlineFigures,
    ListEntry,
    MonthInput,
    PreviousGrade,
    Scheme,
    band_for,
    competition_ranks,
    complaints_per_1000,
    demo_scheme,
    grade_estate,
    grade_quarter,
    hotline_errors,
    hotline_score,
    month_bounds,
    month_evaluate,
    month_firm,
    previous_quarter,
    quarter_bounds,
    quarter_firm,
    quarter_months,
    quarter_of_month,
    score_errors,
)

SCHEME = demo_scheme()
Q = "2025Q1"
JAN, FEB, MAR = quarter_months(Q)
NO_COMPLAINTS = HotlineFigures(received=0, responded=0, resolved=0, surveyed=0, satisfied=0)
FULL_SCORES = {
    "owner": D("20"),
    "environment": D("15"),
    "civility": D("10"),
    "sanitation": D("10"),
    "safety": D("10"),
    "standards": D("5"),
}


def month(m: str, total: D | str = "100", *, veto_reason: str = "", firm: str | None = None):
    """An assessed month with the given total (30 ≤ total ≤ 100): full hotline marks, the
    shortfall taken from the scored criteria in scheme order."""
    shortfall = D("100") - D(total)
    assert D(0) <= shortfall <= D(70)
    scores = {}
    for code, maximum in FULL_SCORES.items():
        taken = min(shortfall, maximum)
        scores[code] = maximum - taken
        shortfall -= taken
    return MonthInput(m, scores, NO_COMPLAINTS, veto=bool(veto_reason), veto_reason=veto_reason, firm=firm)


def unassessed(m: str, *, veto_reason: str = "") -> MonthInput:
    """A month with no hotline figures imported, so not assessed."""
    return MonthInput(m, dict(FULL_SCORES), None, veto=bool(veto_reason), veto_reason=veto_reason)


def estate(code, *months, group="商品房", firm="F1", households=1000) -> EstateInput:
    return EstateInput(code=code, group=group, households=households, firm=firm, months=months)


def rated(code, total, *, group="商品房", firm="F1") -> EstateInput:
    """A rated estate whose three assessed months all have the given total."""
    return estate(code, *(month(m, total) for m in (JAN, FEB, MAR)), group=group, firm=firm)


# --------------------------------------------------------------------------- the scheme


def test_demo_scheme_has_the_spec_defaults():
    assert [(c.code, c.name, c.max) for c in SCHEME.criteria] == [
        ("hotline", "12345诉求办理", 30),
        ("owner", "业主评价", 20),
        ("environment", "环境建设", 15),
        ("civility", "创城", 10),
        ("sanitation", "创卫", 10),
        ("safety", "安全生产", 10),
        ("standards", "规范化建设", 5),
    ]
    assert sum(c.max for c in SCHEME.criteria) == 100
    assert [(b.code, b.label, b.min_score) for b in SCHEME.bands] == [
        ("green", "绿牌·精品", 90),
        ("blue", "蓝牌·规范", 80),
        ("yellow", "黄牌·提升", 70),
        ("red", "红牌·整改", None),
    ]
    assert SCHEME.consequences["green"] == Consequence(30000, 0, False)
    assert SCHEME.consequences["blue"] == Consequence(10000, 1, False)
    assert SCHEME.consequences["yellow"] == Consequence(0, 3, False)
    assert SCHEME.consequences["red"] == Consequence(0, 4, True)
    assert SCHEME.min_assessed_months == 2
    assert SCHEME.hotline_weights == (D("0.1"), D("0.45"), D("0.45"))
    assert Scheme.PENDING == PENDING_BAND == "pending"
    assert SCHEME.band_label("pending") == "待评"


@pytest.mark.parametrize(
    "change",
    [
        {"criteria": SCHEME.criteria[1:]},  # no hotline criterion
        {"bands": tuple(reversed(SCHEME.bands))},  # worst first
        {"bands": (Band("a", "A", D("80")), Band("b", "B", D("90")), Band("c", "C", None))},
        {"consequences": {"green": Consequence(1, 0, False)}},  # one per band needed
        {"hotline_weights": (D("0.2"), D("0.45"), D("0.45"))},  # do not add up to 1
        {"min_assessed_months": 0},
    ],
)
def test_scheme_rejects_inconsistent_settings(change):
    fields = {
        "code": "x",
        "version": 1,
        "criteria": SCHEME.criteria,
        "bands": SCHEME.bands,
        "consequences": SCHEME.consequences,
    }
    with pytest.raises(ValueError):
        Scheme(**{**fields, **change})


def test_every_number_comes_from_the_scheme():
    scheme = Scheme(
        code="strict",
        version=2,
        criteria=(Criterion("hotline", "热线", D("50")), Criterion("owner", "业主", D("50"))),
        bands=(Band("gold", "金", D("95")), Band("iron", "铁", None)),
        consequences={"gold": Consequence(5, 0, False), "iron": Consequence(0, 9, True)},
        min_assessed_months=3,
        hotline_weights=(D("0"), D("0"), D("1")),
    )
    two = EstateInput(
        "E1", "g", 100, "F", tuple(MonthInput(m, {"owner": D("50")}, NO_COMPLAINTS) for m in (JAN, FEB))
    )
    assert grade_estate(scheme, two).band == PENDING_BAND  # 3 assessed months needed here
    three = EstateInput(
        "E1", "g", 100, "F", (*two.months, MonthInput(MAR, {"owner": D("45")}, NO_COMPLAINTS))
    )
    grade = grade_estate(scheme, three)
    assert (grade.score, grade.band, grade.reward_yuan) == (D("98.33"), "gold", 5)
    figures = HotlineFigures(received=10, responded=0, resolved=0, surveyed=4, satisfied=3)
    assert hotline_score(figures, max_points=D("50"), weights=scheme.hotline_weights) == D("37.5")


# --------------------------------------------------------------------------- hotline


def test_hotline_with_no_complaints_earns_full_marks():
    assert hotline_score(NO_COMPLAINTS, max_points=D("30")) == D("30.0")


def test_hotline_satisfaction_rate_is_one_when_nobody_was_surveyed():
    figures = HotlineFigures(received=10, responded=10, resolved=10, surveyed=0, satisfied=0)
    assert hotline_score(figures, max_points=D("30")) == D("30.0")


def test_hotline_score_hand_worked_example():
    # 30 × (0.1·12/12 + 0.45·11/12 + 0.45·9/10) = 30 × 0.9175 = 27.525 → 27.5
    figures = HotlineFigures(received=12, responded=12, resolved=11, surveyed=10, satisfied=9)
    assert hotline_score(figures, max_points=D("30")) == D("27.5")


@pytest.mark.parametrize(
    ("figures", "exact"),
    [
        # 30 × (0.1·6/10 + 0.45·9/10 + 0.45·9/9) = 27.45 exactly
        (HotlineFigures(received=10, responded=6, resolved=9, surveyed=9, satisfied=9), "27.45"),
        # 30 × (0.1·9/9 + 0.45·9/9 + 0.45·5/6) = 27.75 exactly
        (HotlineFigures(received=9, responded=9, resolved=9, surveyed=6, satisfied=5), "27.75"),
    ],
)
def test_hotline_exact_half_rounds_up_where_float_rounds_down(figures, exact):
    f = figures
    as_float = 30 * (
        0.1 * f.responded / f.received + 0.45 * f.resolved / f.received + 0.45 * f.satisfied / f.surveyed
    )
    assert round(as_float, 1) < float(exact)  # the trap is real
    expected = D(exact) + D("0.05")
    assert hotline_score(figures, max_points=D("30")) == expected


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (HotlineFigures(5, 6, 5, 5, 5), "已响应数不能大于受理数"),
        (HotlineFigures(5, 5, 6, 5, 5), "已解决数不能大于受理数"),
        (HotlineFigures(5, 5, 5, 6, 5), "已回访数不能大于受理数"),
        (HotlineFigures(5, 5, 5, 4, 5), "满意数不能大于已回访数"),
        (HotlineFigures(-1, 0, 0, 0, 0), "受理数不能为负数"),
        (HotlineFigures(5, -1, 0, 0, 0), "已响应数不能为负数"),
        (HotlineFigures(5, 0, -2, 0, 0), "已解决数不能为负数"),
        (HotlineFigures(5, 0, 0, -1, 0), "已回访数不能为负数"),
        (HotlineFigures(5, 0, 0, 0, -1), "满意数不能为负数"),
        (HotlineFigures(5, 2.5, 0, 0, 0), "已响应数必须是整数"),
        (HotlineFigures(5, True, 0, 0, 0), "已响应数必须是整数"),
    ],
)
def test_hotline_errors_names_each_invalid_figure(figures, message):
    assert message in hotline_errors(figures)
    with pytest.raises(ValueError, match=message):
        hotline_score(figures, max_points=D("30"))


def test_hotline_errors_lists_every_problem_and_none_for_valid_figures():
    assert hotline_errors(HotlineFigures(12, 12, 11, 10, 9)) == []
    assert hotline_errors(NO_COMPLAINTS) == []
    assert len(hotline_errors(HotlineFigures(1, 2, 3, 4, 5))) == 4


def test_complaints_per_1000_households_rounds_half_up_to_two_places():
    assert complaints_per_1000(5, 1500) == D("3.33")
    assert complaints_per_1000(1, 1600) == D("0.63")  # 0.625 exactly; round(0.625, 2) == 0.62
    assert complaints_per_1000(0, 800) == D("0.00")
    assert complaints_per_1000(7, 0) is None


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


def test_score_errors_explains_in_chinese():
    assert score_errors(SCHEME, "owner", D("18.5")) == []
    assert score_errors(SCHEME, "owner", D("21")) == ["分数须在 0 到 20 之间"]
    assert score_errors(SCHEME, "owner", D("1.25")) == ["分数最多保留一位小数"]
    assert score_errors(SCHEME, "hotline", D("1")) == ["未知的考核项目：hotline"]


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


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "green"),
        ("90.00", "green"),
        ("89.99", "blue"),
        ("80", "blue"),
        ("79.99", "yellow"),
        ("70", "yellow"),
        ("69.99", "red"),
        ("0", "red"),
    ],
)
def test_band_thresholds_are_inclusive_minimums(score, band):
    assert band_for(SCHEME, D(score)) == band


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
        ListEntry("F1", ("小区 E001 本季度红牌", "小区 E003 一票否决：重大安全事故")),
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
    assert result.black_list == (ListEntry("F1", ("小区 E002 连续两个季度黄牌",)),)


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


# --------------------------------------------------------------------------- calendar & firms


def test_quarter_helpers():
    assert quarter_months("2025Q1") == ("2025-01", "2025-02", "2025-03")
    assert quarter_months("2024Q4") == ("2024-10", "2024-11", "2024-12")
    assert quarter_of_month("2025-03") == "2025Q1" and quarter_of_month("2025-04") == "2025Q2"
    assert quarter_of_month("2025-12") == "2025Q4"
    assert previous_quarter("2025Q1") == "2024Q4" and previous_quarter("2025Q3") == "2025Q2"
    assert quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds("2025Q2") == (date(2025, 4, 1), date(2025, 6, 30))
    assert quarter_bounds("2025Q4") == (date(2025, 10, 1), date(2025, 12, 31))
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "bad", ["2025Q0", "2025Q5", "2025q1", "2025-Q1", "25Q1", " 2025Q1", "2025Q1\n", "", None, "２０２５Q1"]
)
def test_bad_quarter_strings_are_rejected(bad):
    for helper in (quarter_months, previous_quarter, quarter_bounds):
        with pytest.raises(ValueError):
            helper(bad)


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


# --------------------------------------------------------------------------- speed


# --------------------------------------------------------------------------- properties

totals = st.decimals(min_value=D("30"), max_value=D("100"), places=1)


@st.composite
def valid_figures(draw):
    received = draw(st.integers(0, 500))
    surveyed = draw(st.integers(0, received))
    return HotlineFigures(
        received=received,
        responded=draw(st.integers(0, received)),
        resolved=draw(st.integers(0, received)),
        surveyed=surveyed,
        satisfied=draw(st.integers(0, surveyed)),
    )


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


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_property_band_is_monotone_in_score(a, b):
    low, high = sorted((a, b))
    order = [band.code for band in SCHEME.bands]
    assert order.index(band_for(SCHEME, high)) <= order.index(band_for(SCHEME, low))


@settings(max_examples=200, deadline=None)
@given(valid_figures(), st.decimals(min_value=D("0.1"), max_value=D("100"), places=1))
def test_property_hotline_score_lies_between_zero_and_max(figures, max_points):
    score = hotline_score(figures, max_points=max_points)
    assert D(0) <= score <= max_points
    assert score == score.quantize(D("0.1"))
