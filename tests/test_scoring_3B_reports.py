"""The commune categories scored from the commune's yearly report (Phụ lục 3A → Phụ lục 3B).

Checklists 3B/I/I (Hạ tầng, 200), 3B/I/II (Nhân lực, 50), 3B/I/III (Môi trường chính sách, 50),
3B/II/II (Tương tác, 180) and 3B/II/IV (Chuyển đổi, 50) read only survey answers
(`survey/<item id>` observations of the form checklists/forms/3A.yaml). Every expected value
below is worked by hand from the seed's words (quoted next to it, from
/work/shared/seed/seed-compact.txt, Phụ lục 3B), never computed with the engine's helpers.
Answers are stored as the form stores them: Có → 1, Không → 0, a percentage 0-100 (45 for 45 %).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from inspector.model.checklist import DEFAULT_DIR, load_all
from inspector.scoring.engine import score_agency, score_category, score_criterion
from inspector.scoring.quantities import Context
from inspector.scoring.ratings import RatingTables
from inspector.survey.forms import load_form

AS_OF = date(2026, 11, 26)
MINE = ("3B/I/I", "3B/I/II", "3B/I/III", "3B/II/II", "3B/II/IV")
CHECKLISTS = {c.id: c for c in load_all()}
CRITERIA = {cr.id: cr for cat in MINE for cr in CHECKLISTS[cat].criteria}
TABLES = RatingTables.load()
FORM = load_form(DEFAULT_DIR / "forms" / "3A.yaml")


# --- builders -----------------------------------------------------------------------------

def survey(**values) -> dict:
    """Survey answers as the importer stores them."""
    return {f"survey/{name}": {"value": value} for name, value in values.items()}


def context(observations: dict | None = None) -> Context:
    return Context("xa-test", "commune", None, None, [], None, dict(observations or {}))


def score(cid: str, observations: dict | None = None):
    return score_criterion(CRITERIA[cid], context(observations), AS_OF)


def points(cid: str, observations: dict) -> float:
    finding = score(cid, observations)
    assert finding.status == "auto", f"{cid}: {finding.status}: {finding.reason}"
    return finding.points


# --- "Có: 10; Không: 0" --------------------------------------------------------------------

# (criterion, the form's item, the seed's words)
YES_NO = [
    ("3B/I/I/2", "one_stop_modern", "Bộ phận tiếp nhận và trả kết quả hiện đại: Có 10, Không 0"),
    ("3B/I/I/3", "broadband", "Kết nối internet băng rộng …: Có 10, Không 0"),
    ("3B/I/I/4", "led_screen", "Màn hình cỡ lớn hoặc bảng LED …: Có 10, Không 0"),
    ("3B/I/I/5", "cctv", "Hệ thống Camera giám sát an ninh: Có 10, Không 0"),
    ("3B/I/I/6", "lightning_protection", "Hệ thống chống sét lan truyền …: Có 10, Không 0"),
    ("3B/I/I/7", "firewall", "Hệ thống tường lửa/ giám sát truy nhập …: Có 10, Không 0"),
    ("3B/I/I/8", "video_conference_room", "Phòng họp trực tuyến: Có 10, Không 0"),
    ("3B/I/I/9", "tthc_lookup_screen", "Màn hình tra cứu TTHC …: Có 10, Không 0"),
    ("3B/I/I/10", "barcode_reader", "Đầu đọc mã vạch tra cứu hồ sơ TTHC …: Có 10, Không 0"),
    ("3B/I/I/11", "queue_kiosk", "Kiosk cấp số thứ tự …: Có 10, Không 0"),
    ("3B/I/I/12", "results_screen", "Màn hình hiển thị kết quả giải quyết TTHC …: Có 10, Không 0"),
    ("3B/I/I/13", "service_rating_system", "Hệ thống đánh giá chất lượng phục vụ …: Có 10"),
    ("3B/I/II/19", "it_staff_present", "Cán bộ thực hiện nhiệm vụ chuyên trách CNTT cấp xã: Có 10"),
    ("3B/I/II/20", "it_staff_certified", "… đạt chuẩn kỹ năng ứng dụng CNTT cơ bản …: Có 10"),
    ("3B/I/III/24", "cio_assigned", "Ban hành Quyết định bổ nhiệm … CIO …: Có 10, Không 0"),
    ("3B/I/III/25", "it_annual_plan", "Ban hành kế hoạch CNTT năm: Có 10, Không 0"),
    ("3B/I/III/26", "internal_is_rules", "Ban hành văn bản quy định … an toàn …: Có 10, Không 0"),
    ("3B/I/III/27", "portal_rules", "Ban hành Quy chế hoạt động của Ban Biên tập …: Có 10"),
    ("3B/II/II/9", "one_stop_software", "Ứng dụng phần mềm một cửa: Có 10, Không 0"),
    ("3B/II/II/12", "satisfaction_software", "Phần mềm đánh giá mức độ hài lòng …: Có 10"),
    ("3B/II/II/13", "app_accounting_assets", "Phần mềm kế toán và quản lý tài sản công: Có 10"),
    ("3B/II/II/14", "app_staff_management", "Phần mềm quản lý cán bộ công chức: Có 10, Không 0"),
    ("3B/II/II/15", "app_civil_status", "Phần mềm quản lý hộ tịch, dân cư: Có 10, Không 0"),
    ("3B/II/II/16", "app_policy_beneficiaries", "… đối tượng chính sách, người có công: Có 10"),
    ("3B/II/II/17", "app_complaints", "Phần mềm quản lý đơn thư, khiếu nại và tố cáo: Có 10"),
    ("3B/II/II/18", "app_cadastre_planning", "… địa chính, xây dựng/ quy hoạch đô thị: Có 10"),
    ("3B/II/IV/1", "shared_eforms", "Có ứng dụng mẫu biểu điện tử dùng chung cấp xã: Có 10"),
    ("3B/II/IV/2", "single_sign_on", "… đăng nhập một lần cho tất cả các phần mềm …: Có 10"),
]


@pytest.mark.parametrize("cid,item,seed", YES_NO, ids=[c for c, _, _ in YES_NO])
@pytest.mark.parametrize("answer,expected", [
    pytest.param(1, 10, id="Có"),      # "Có: 10"
    pytest.param(0, 0, id="Không"),    # "Không: 0"
])
def test_yes_no_criteria(cid, item, seed, answer, expected):
    assert points(cid, survey(**{item: answer})) == expected


# --- counts against a threshold -------------------------------------------------------------

@pytest.mark.parametrize("cid,item,answer,expected", [
    # 3B/I/I/14 "Số máy Scan: >=1: 10; 0: 0"
    ("3B/I/I/14", "scanners", 0, 0),
    ("3B/I/I/14", "scanners", 1, 10),
    ("3B/I/I/14", "scanners", 6, 10),
    # 3B/I/II/21 "Số lượt tập huấn nghiệp vụ về CNTT cho cán bộ … chuyên trách …: >=1: 10; 0: 0"
    ("3B/I/II/21", "it_staff_trainings", 0, 0),
    ("3B/I/II/21", "it_staff_trainings", 1, 10),
    ("3B/I/II/21", "it_staff_trainings", 3, 10),
    # 3B/I/III/28 "Ngân sách chi CNTT trong năm: >= 30.000.000: 10; <30.000.000: 0" (đồng)
    ("3B/I/III/28", "it_budget", 0, 0),
    ("3B/I/III/28", "it_budget", 29_999_999, 0),
    ("3B/I/III/28", "it_budget", 30_000_000, 10),
    ("3B/I/III/28", "it_budget", 250_000_000, 10),
    ("3B/I/III/28", "it_budget", 3_000_000, 0),    # 30.000.000 is thirty million, not three
])
def test_count_thresholds(cid, item, answer, expected):
    assert points(cid, survey(**{item: answer})) == expected


# --- "Điểm = Tỷ lệ% x Điểm tối đa" over a percentage the form asks ---------------------------

PERCENT = [
    # (criterion, the form's item), with the seed's words
    ("3B/I/I/1.2", "computers_per_part_time_staff_percent"),  # máy tính/ cán bộ bán chuyên trách
    ("3B/I/I/16", "households_computer_percent"),        # Tỷ lệ hộ gia đình có máy tính
    ("3B/I/I/17", "households_broadband_percent"),       # … hộ gia đình có kết nối băng rộng
    ("3B/I/I/18", "enterprises_broadband_percent"),      # … doanh nghiệp có kết nối băng rộng
    ("3B/I/II/22", "officials_it_skilled_percent"),      # … CBCC … sử dụng thành thạo máy tính
    ("3B/II/II/1", "officials_qlvb_percent"),            # … CBCC … tài khoản QLVB &ĐH
    ("3B/II/II/2", "part_time_staff_qlvb_percent"),      # … bán chuyên trách … QLVB &ĐH
    ("3B/II/II/3", "incoming_docs_digitised_percent"),   # … văn bản đến được số hóa
    ("3B/II/II/4", "outgoing_docs_digitised_percent"),   # … văn bản đi được số hóa
    ("3B/II/II/5", "documents_approved_online_percent"),  # … văn bản điện tử trình Lãnh đạo
    ("3B/II/II/6", "outgoing_signed_agency_percent"),    # … ký số bằng chữ ký số cơ quan
    ("3B/II/II/7", "outgoing_signed_leader_percent"),    # … chữ ký số của Lãnh đạo cơ quan
    ("3B/II/II/8", "officials_email_percent"),           # … hộp thư điện tử chuyên dùng
]


@pytest.mark.parametrize("cid,item", PERCENT, ids=[c for c, _ in PERCENT])
@pytest.mark.parametrize("percent,expected", [
    # "Điểm = Tỷ lệ% x Điểm tối đa; Tỷ lệ x 10" (10 points each), the answer written 0-100
    (0, 0),
    (45, 4.5),        # 45 % x 10
    (12.5, 1.25),     # 12,5 % x 10
    (99.9, 9.99),     # 99,9 % x 10
    (100, 10),        # 100 % x 10
])
def test_percent_times_max(cid, item, percent, expected):
    assert points(cid, survey(**{item: percent})) == expected


def test_percent_above_100_stays_at_the_cap_3B_I_I_1_2():
    # "Điểm = Tỷ lệ% x Điểm tối đa (Tối đa <= 10 điểm)": 150 % (more computers than part-time
    # officials) would be 15; the seed caps it at 10
    assert points("3B/I/I/1.2", survey(computers_per_part_time_staff_percent=150)) == 10


# --- "Điểm = Tỷ lệ% x Điểm tối đa" over two counts the form asks -----------------------------

RATIO = [
    # 3B/I/I/1.1 "Tỷ lệ máy tính/ cán bộ công chức cấp xã … (Tối đa <= 10 điểm)": computers over
    # the officials of 3A Mục 1, 7
    ("3B/I/I/1.1", "computers_total", "staff_total", 18, 20, 9),      # 90 % x 10
    ("3B/I/I/1.1", "computers_total", "staff_total", 20, 20, 10),
    ("3B/I/I/1.1", "computers_total", "staff_total", 25, 20, 10),     # 125 %: "Tối đa <= 10"
    ("3B/I/I/1.1", "computers_total", "staff_total", 0, 20, 0),
    # 3B/I/I/15.1 "Tỷ lệ điểm BĐVHX và Bưu cục có kết nối Internet"
    ("3B/I/I/15.1", "post_offices_internet", "post_offices_total", 3, 4, 7.5),
    ("3B/I/I/15.1", "post_offices_internet", "post_offices_total", 4, 4, 10),
    ("3B/I/I/15.1", "post_offices_internet", "post_offices_total", 0, 4, 0),
    # 3B/I/I/15.2 "Tỷ lệ điểm BĐVHX và Bưu cục có đại lý Internet"
    ("3B/I/I/15.2", "post_offices_internet_agent", "post_offices_total", 1, 4, 2.5),
    ("3B/I/I/15.2", "post_offices_internet_agent", "post_offices_total", 4, 4, 10),
    ("3B/I/I/15.2", "post_offices_internet_agent", "post_offices_total", 0, 4, 0),
    # 3B/II/II/10 "Tỷ lệ TTHC được đưa vào áp dụng trong phần mềm một cửa / Tổng số TTHC của
    # đơn vị: Tỷ lệ% x 10"
    ("3B/II/II/10", "tthc_in_software", "tthc_total", 30, 40, 7.5),
    ("3B/II/II/10", "tthc_in_software", "tthc_total", 40, 40, 10),
    ("3B/II/II/10", "tthc_in_software", "tthc_total", 0, 40, 0),
    # 3B/II/II/11 "Tỷ lệ hồ sơ được tiếp nhận, thụ lý và quản lý trong phần mềm/ Tổng số hồ sơ
    # tiếp nhận, thụ lý trong năm: Tỷ lệ% x 10"
    ("3B/II/II/11", "dossiers_in_software", "dossiers_total", 50, 200, 2.5),
    ("3B/II/II/11", "dossiers_in_software", "dossiers_total", 200, 200, 10),
    ("3B/II/II/11", "dossiers_in_software", "dossiers_total", 250, 200, 10),  # capped at the max
    # 3B/II/IV/3 "Tỷ lệ hồ sơ nhận qua DVC trực tuyến mức độ 3 và 4 liên thông từ cấp xã lên cấp
    # huyện/ Tổng số hồ sơ TTHC liên thông từ cấp xã - huyện nhận được tại cấp xã: Tỷ lệ% x 10"
    ("3B/II/IV/3", "linked_online_dossiers_commune_district",
     "linked_dossiers_commune_district", 1, 8, 1.25),
    ("3B/II/IV/3", "linked_online_dossiers_commune_district",
     "linked_dossiers_commune_district", 8, 8, 10),
    ("3B/II/IV/3", "linked_online_dossiers_commune_district",
     "linked_dossiers_commune_district", 0, 8, 0),
    # 3B/II/IV/4 "Tỷ lệ hồ sơ nộp liên thông từ cấp xã gửi trực tuyến lên cấp huyện/ Tổng số hồ
    # sơ TTHC liên thông từ xã- huyện nhận được tại cấp huyện: Tỷ lệ% x 10"
    ("3B/II/IV/4", "linked_dossiers_sent_online", "linked_dossiers_at_district", 3, 5, 6),
    ("3B/II/IV/4", "linked_dossiers_sent_online", "linked_dossiers_at_district", 5, 5, 10),
    ("3B/II/IV/4", "linked_dossiers_sent_online", "linked_dossiers_at_district", 0, 5, 0),
    # 3B/II/IV/5 "Tỷ lệ hồ sơ liên thông cả 3 cấp nhận được qua DVC trực tuyến mức độ 3 và 4 …/
    # Tổng số hồ sơ TTHC liên thông 3 cấp nhận được tại cấp xã: Tỷ lệ% x 10"
    ("3B/II/IV/5", "linked_online_dossiers_three_levels",
     "linked_dossiers_three_levels", 1, 3, 3.3333),    # 10/3, rounded to 4 decimals
    ("3B/II/IV/5", "linked_online_dossiers_three_levels",
     "linked_dossiers_three_levels", 3, 3, 10),
    ("3B/II/IV/5", "linked_online_dossiers_three_levels",
     "linked_dossiers_three_levels", 0, 3, 0),
]


@pytest.mark.parametrize("cid,numerator,denominator,num,den,expected", RATIO)
def test_ratio_of_two_counts(cid, numerator, denominator, num, den, expected):
    assert points(cid, survey(**{numerator: num, denominator: den})) == expected


# --- ">= 10% CBCC cấp xã" ----------------------------------------------------------------------

@pytest.mark.parametrize("trainings,staff,expected", [
    # 3B/I/II/23 "Số lượt tập huấn nâng cao kỹ năng CNTT cho cán bộ công chức cấp xã trong năm:
    # >= 10% CBCC cấp xã: 10; < 10% CBCC cấp xã: 0" (officials: 3A Mục 1, 7)
    (2, 20, 10),     # exactly 10 %
    (1, 20, 0),      # 5 %
    (9, 90, 10),     # exactly 10 %
    (9, 91, 0),      # 9,89 %
    (0, 20, 0),
    (40, 20, 10),    # more turns than officials (an official trained twice counts twice)
])
def test_training_turns_against_ten_percent_of_officials_3B_I_II_23(trainings, staff, expected):
    assert points("3B/I/II/23", survey(staff_it_trainings=trainings, staff_total=staff)) == expected


# --- every criterion has hand-worked cases ---------------------------------------------------

def _covered() -> set[str]:
    cases = {c for c, _, _ in YES_NO} | {c for c, _ in PERCENT} | {c for c, *_ in RATIO}
    return cases | {"3B/I/I/14", "3B/I/II/21", "3B/I/III/28", "3B/I/II/23"}


def test_every_criterion_of_the_five_categories_has_hand_worked_cases():
    assert _covered() == set(CRITERIA)
    # 20 + 5 + 5 + 18 + 5 criteria; Phụ lục 3B part I: "30 tiêu chí/ 300 điểm"
    assert [len(CHECKLISTS[c].criteria) for c in MINE] == [20, 5, 5, 18, 5]


# --- a missing answer is not assessed, never 0 ----------------------------------------------

def _items(cid: str) -> list[str]:
    """The survey items a criterion reads (from its input, by hand-checked naming)."""
    return re.findall(r"survey\.([a-z0-9_]+)", repr(CRITERIA[cid].input))


@pytest.mark.parametrize("cid", sorted(CRITERIA))
def test_missing_answer_is_not_assessed_with_a_reason(cid):
    finding = score(cid, {})
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert "has not been recorded from the agency's survey" in finding.reason
    assert any(f"survey.{item}" in finding.reason for item in _items(cid))


@pytest.mark.parametrize("cid,given,missing", [
    # one of the two counts of a share is not enough: the other is named
    ("3B/I/I/1.1", {"computers_total": 20}, "survey.staff_total"),
    ("3B/I/I/1.1", {"staff_total": 20}, "survey.computers_total"),
    ("3B/I/II/23", {"staff_it_trainings": 4}, "survey.staff_total"),
    ("3B/II/II/10", {"tthc_in_software": 4}, "survey.tthc_total"),
    ("3B/II/IV/5", {"linked_dossiers_three_levels": 4},
     "survey.linked_online_dossiers_three_levels"),
])
def test_half_a_share_is_not_assessed(cid, given, missing):
    finding = score(cid, survey(**given))
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert missing in finding.reason


@pytest.mark.parametrize("cid,numerator,denominator", [
    ("3B/I/I/1.1", "computers_total", "staff_total"),
    ("3B/I/I/15.1", "post_offices_internet", "post_offices_total"),
    ("3B/I/I/15.2", "post_offices_internet_agent", "post_offices_total"),
    ("3B/I/II/23", "staff_it_trainings", "staff_total"),
    ("3B/II/II/10", "tthc_in_software", "tthc_total"),
    ("3B/II/II/11", "dossiers_in_software", "dossiers_total"),
    ("3B/II/IV/3", "linked_online_dossiers_commune_district", "linked_dossiers_commune_district"),
    ("3B/II/IV/4", "linked_dossiers_sent_online", "linked_dossiers_at_district"),
    ("3B/II/IV/5", "linked_online_dossiers_three_levels", "linked_dossiers_three_levels"),
])
def test_a_share_of_nothing_is_not_assessed(cid, numerator, denominator):
    # a commune with no post office, no dossier or no official has no share to score
    finding = score(cid, survey(**{numerator: 0, denominator: 0}))
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert f"survey.{denominator}" in finding.reason


def test_an_unreadable_answer_is_not_assessed_with_its_reason():
    obs = {"survey/one_stop_modern": {"status": "failed", "reason": "ô C7 để trống"}}
    finding = score("3B/I/I/2", obs)
    assert (finding.status, finding.points, finding.reason) == (
        "not_assessed", None, "ô C7 để trống")
    finding = score("3B/I/I/16", {"survey/households_computer_percent": {"value": "khoảng 50"}})
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert "survey.households_computer_percent" in finding.reason


# --- each category's best answers give exactly its stated max --------------------------------

YES = 1
BEST = {
    # Phụ lục 3B: "CÁC TIÊU CHÍ VỀ CƠ SỞ HẠ TẦNG THÔNG TIN … 200"
    "3B/I/I": survey(computers_total=20, staff_total=20, computers_per_part_time_staff_percent=100,
                     one_stop_modern=YES, broadband=YES, led_screen=YES,
                     cctv=YES, lightning_protection=YES, firewall=YES,
                     video_conference_room=YES, tthc_lookup_screen=YES, barcode_reader=YES,
                     queue_kiosk=YES, results_screen=YES, service_rating_system=YES, scanners=1,
                     post_offices_total=2, post_offices_internet=2,
                     post_offices_internet_agent=2, households_computer_percent=100,
                     households_broadband_percent=100, enterprises_broadband_percent=100),
    # "CÁC TIÊU CHÍ VỀ NHÂN LỰC CNTT … 50"
    "3B/I/II": survey(it_staff_present=YES, it_staff_certified=YES, it_staff_trainings=1,
                      officials_it_skilled_percent=100, staff_it_trainings=2, staff_total=20),
    # "CÁC TIÊU CHÍ VỀ MÔI TRƯỜNG CHÍNH SÁCH … 50"
    "3B/I/III": survey(cio_assigned=YES, it_annual_plan=YES, internal_is_rules=YES,
                       portal_rules=YES, it_budget=30_000_000),
    # "ĐÁNH GIÁ MỨC ĐỘ TƯƠNG TÁC … 180"
    "3B/II/II": survey(officials_qlvb_percent=100, part_time_staff_qlvb_percent=100,
                       incoming_docs_digitised_percent=100,
                       outgoing_docs_digitised_percent=100, documents_approved_online_percent=100,
                       outgoing_signed_agency_percent=100, outgoing_signed_leader_percent=100,
                       officials_email_percent=100, one_stop_software=YES, tthc_in_software=40,
                       tthc_total=40, dossiers_in_software=300, dossiers_total=300,
                       satisfaction_software=YES, app_accounting_assets=YES,
                       app_staff_management=YES, app_civil_status=YES,
                       app_policy_beneficiaries=YES, app_complaints=YES,
                       app_cadastre_planning=YES),
    # "ĐÁNH GIÁ MỨC ĐỘ CHUYỂN ĐỔI … 50"
    "3B/II/IV": survey(shared_eforms=YES, single_sign_on=YES,
                       linked_online_dossiers_commune_district=6,
                       linked_dossiers_commune_district=6, linked_dossiers_sent_online=6,
                       linked_dossiers_at_district=6, linked_online_dossiers_three_levels=2,
                       linked_dossiers_three_levels=2),
}
# The maxima of Phụ lục 3B. For readiness the Mức table of Section V.3.2.a.ii says "Hạ tầng
# 90% x300", "Nhân lực 90% x120", "Môi trường 90% x80" and "450/500"; the appendix that lists
# the criteria ("30 tiêu chí/ 300 điểm": 200 + 50 + 50) is the reading (ratings.yaml).
STATED_MAX = {"3B/I/I": 200, "3B/I/II": 50, "3B/I/III": 50, "3B/II/II": 180, "3B/II/IV": 50}


def _category(cat: str, observations: dict):
    ctx = context(observations)
    findings = [score_criterion(c, ctx, AS_OF) for c in CHECKLISTS[cat].criteria]
    return findings, score_category(CHECKLISTS[cat], findings, TABLES)


@pytest.mark.parametrize("cat", MINE)
def test_best_answers_give_the_stated_max(cat):
    findings, result = _category(cat, BEST[cat])
    short = [(f.criterion_id, f.points, f.reason) for f in findings if f.points != f.max_points]
    assert short == []
    assert (result.points, result.max_points, result.complete, result.rating) == (
        STATED_MAX[cat], STATED_MAX[cat], True, "Mức I")


def test_the_readiness_maxima_are_the_appendix_s_not_the_mức_table_s():
    rows = {row["id"]: row["max_points"] for row in TABLES.scheme("commune_level")["categories"]
            .values()}
    assert {cat: rows[cat] for cat in MINE} == STATED_MAX
    assert TABLES.scheme("commune_level")["totals"]["readiness"]["max_points"] == 300


@pytest.mark.parametrize("cat,noes,expected,rating", [
    # Hạ tầng: two "Không" of 10 points each → 180 = 90 % x 200 → Mức I ("90% x…"); read
    # literally ("90% x300" = 270) every commune would stay below Mức IV
    ("3B/I/I", ["one_stop_modern", "broadband"], 180, "Mức I"),
    # three "Không" → 170: below 90 % x 200 = 180, at least 80 % x 200 = 160 → Mức II
    ("3B/I/I", ["one_stop_modern", "broadband", "queue_kiosk"], 170, "Mức II"),
    # Nhân lực: one "Không" → 40 = 80 % x 50 → Mức II ("80% x…")
    ("3B/I/II", ["it_staff_present"], 40, "Mức II"),
    # Môi trường: two "Không" → 30 = 60 % x 50, below "70% x…" (35) → below Mức IV
    ("3B/I/III", ["it_annual_plan", "portal_rules"], 30, "Dưới Mức IV (không xếp hạng)"),
])
def test_readiness_levels_on_the_appendix_maxima(cat, noes, expected, rating):
    answers = dict(BEST[cat])
    answers.update(survey(**{item: 0 for item in noes}))
    _, result = _category(cat, answers)
    assert (result.points, result.rating) == (expected, rating)


def test_a_commune_at_every_max_is_muc_I_on_300_and_600():
    observations: dict = {}
    for cat in MINE:
        observations.update(BEST[cat])
    mine = [CHECKLISTS[c] for c in MINE]
    # the presence and transaction categories are scored elsewhere (crawl, service checks)
    result = score_agency(mine, context(observations), AS_OF, TABLES,
                          external_categories={"3B/II/I": 270, "3B/II/III": 100})
    assert result.overall["readiness"] == {"level": "Mức I", "points": 300}
    assert result.overall["results"] == {"level": "Mức I", "points": 600}
    assert result.overall["level"] == "Mức I"


# --- the form provides what the checklists read ---------------------------------------------

# The ids the commune checklists scored by the inspection already read (3B/II/I, 3B/II/III),
# the same names as the district's form for the same figures.
SHARED_IDS = ["services_level12", "online_dossiers_level3", "online_dossiers_level4",
              "dossiers_total", "linked_services_level34", "linked_procedures_total",
              "dossiers_on_time", "online_dossiers_on_time_level34", "online_dossiers_level34",
              "feedback_answered", "feedback_total", "population_digitised", "population_total",
              "online_meetings", "meetings_total"]


def test_the_form_asks_every_figure_the_commune_checklists_read():
    items = {item.id: item for item in FORM.items}
    read = set()
    for checklist in CHECKLISTS.values():
        if checklist.level == "commune":
            for criterion in checklist.criteria:
                read |= set(re.findall(r"survey\.([a-z0-9_]+)", repr(criterion.input)))
    assert set(SHARED_IDS) <= read
    assert sorted(read - set(items)) == []
    for name in SHARED_IDS + ["tthc_total", "services_level3", "services_level4"]:
        assert items[name].type == "count", name


@pytest.mark.parametrize("cid", sorted(CRITERIA))
def test_each_answer_has_the_type_its_rule_reads(cid):
    items = {item.id: item for item in FORM.items}
    criterion = CRITERIA[cid]
    kind = criterion.rule["type"]
    for name in _items(cid):
        if kind == "formula":      # "Tỷ lệ% x điểm tối đa" over a percentage: 0-100
            assert items[name].type == "percent", name
        elif kind in ("ratio", "ratio_bands"):
            assert items[name].type == "count", name
        else:                      # Có/Không, a count or an amount against a threshold
            assert kind == "quantity_bands"
            assert items[name].type in ("yes_no", "count", "money"), name


def test_the_form_declares_what_the_inspection_observes():
    items = {item.id: item for item in FORM.items}
    assert items["services_level3"].declares == {"services_level": 3}
    assert items["services_level4"].declares == {"services_level": 4}
    assert items["work_schedule_posts"].declares == {"topic": ["lich-cong-tac"]}
    assert items["local_affairs_posts"].declares == {"topic": ["chinh-tri-xa-hoi"]}
    # "Thông tin kế hoạch sử dụng đất …, chương trình phát triển kinh tế xã hội của xã"
    assert items["long_term_plans_posts"].declares == {
        "topic": ["quy-hoach-xay-dung-dat", "chien-luoc-quy-hoach"]}
    # the presence rows the crawl reads as fields or a feature declare nothing
    for name in ("intro_history_posts", "intro_leaders_posts", "intro_contacts_posts",
                 "legal_db_link_posts"):
        assert items[name].declares is None
    # 34 rows in Mục I.A, each with its count; 25 of them also with the three boxes
    section = next(s for s in FORM.sections if s.id == "I")
    assert sum(i.id.endswith("_posts") for i in section.items) == 34
    assert sum(i.type == "tick" for i in section.items) == 75
    assert [s.id for s in FORM.sections] == ["1", "2", "3", "4", "I", "II", "III", "IV", "V"]
    assert [(t.id, t.sheet) for t in FORM.tables] == [("level3_services", "Bảng 1"),
                                                       ("level4_services", "Bảng 2")]
