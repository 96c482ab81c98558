"""The district categories scored from the yearly report (Phụ lục 2A), against the REAL files.

Categories: 2B/I/I Hạ tầng (300), 2B/I/II Nhân lực (120), 2B/I/III Môi trường chính sách (80),
2B/II/II Tương tác (350), 2B/II/IV Chuyển đổi (50). Every expected value is worked by hand from
the seed's words (Phụ lục 2B of /work/shared/seed/seed-compact.txt, quoted next to each case),
never computed with the engine's helpers; the survey ids each criterion reads are written out
here too, so renaming an answer, moving a band or changing a formula in a checklist file fails
a test. Survey answers are observations {"survey/<id>": {"value": v}}; percentages are stored
as written (85 for 85 %), Có = 1 and Không = 0.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from inspector.model.checklist import DEFAULT_DIR, load_all, load_checklist, load_topics
from inspector.scoring.engine import score_category, score_criterion
from inspector.scoring.quantities import Context
from inspector.scoring.ratings import RatingTables
from inspector.survey.forms import load_form

AS_OF = date(2026, 11, 26)
CHECKLISTS = {c.id: c for c in load_all()}
CRITERIA = {cr.id: cr for c in CHECKLISTS.values() for cr in c.criteria}
TABLES = RatingTables.load()
FORM = load_form(DEFAULT_DIR / "forms" / "2A.yaml")
MINE = ("2B/I/I", "2B/I/II", "2B/I/III", "2B/II/II", "2B/II/IV")


def context(observations: dict | None = None) -> Context:
    return Context("huyen-test", "district", None, None, [], None, dict(observations or {}))


def survey(**values) -> dict:
    return {f"survey/{name}": {"value": value} for name, value in values.items()}


def score(cid: str, observations: dict):
    return score_criterion(CRITERIA[cid], context(observations), AS_OF)


def points(cid: str, observations: dict) -> float:
    finding = score(cid, observations)
    assert finding.status == "auto", f"{cid}: {finding.status}: {finding.reason}"
    return finding.points


# --- the criteria, by kind, with the seed's words --------------------------------------------

# "Điểm = Tỷ lệ% x Điểm tối đa (Tối đa <= 10 điểm); Tỷ lệ% x 10" (readiness) or "Điểm = Tỷ lệ%
# x điểm tối đa; Tỷ lệ% x10" (interaction, conversion): numerator ÷ denominator of the report.
RATIOS = [
    # 2.2 "Tỷ lệ đơn vị sự nghiệp trực thuộc cấp huyện có kết nối Internet băng rộng…"
    ("2B/I/I/2.2", "public_units_broadband", "public_units_total"),
    # 2.3 "Tỷ lệ UBND cấp xã kết nối mạng LAN"
    ("2B/I/I/2.3", "communes_lan", "communes_total"),
    # 2.4 "Tỷ lệ UBND cấp xã kết nối mạng Internet băng rộng xDSL/FTTH…"
    ("2B/I/I/2.4", "communes_broadband", "communes_total"),
    # 3.2 "Tỷ lệ UBND cấp xã có Bộ phận tiếp nhận và trả kết quả hiện đại…"
    ("2B/I/I/3.2", "communes_one_stop", "communes_total"),
    # 7.2 "Tỷ lệ UBND cấp xã có thiết bị tường lửa bảo vệ mạng LAN"
    ("2B/I/I/7.2", "communes_firewall", "communes_total"),
    # 8.2 "Tỷ lệ UBND cấp xã có phòng họp trực tuyến"
    ("2B/I/I/8.2", "communes_video_conference", "communes_total"),
    # 9.2 "Tỷ lệ UBND cấp xã có màn hình tra cứu TTHC"
    ("2B/I/I/9.2", "communes_tthc_lookup_screen", "communes_total"),
    # 10.2 "Tỷ lệ UBND cấp xã có đầu đọc mã vạch tra cứu hồ sơ TTHC"
    ("2B/I/I/10.2", "communes_barcode_reader", "communes_total"),
    # 12.2 "Tỷ lệ UBND cấp xã có máy Scan"
    ("2B/I/I/12.2", "communes_with_scanner", "communes_total"),
    # 13.1 "Tỷ lệ điểm BĐVH xã có kết nối Internet"
    ("2B/I/I/13.1", "post_offices_internet", "post_offices_total"),
    # 13.2 "Tỷ lệ điểm BĐVH xã có đại lý Internet"
    ("2B/I/I/13.2", "post_offices_internet_agent", "post_offices_total"),
    # 19.1-19.3 "Tỷ lệ trường tiểu học / THCS / THPT có giảng dạy môn tin học"
    ("2B/I/II/19.1", "primary_schools_it", "primary_schools_total"),
    ("2B/I/II/19.2", "lower_secondary_schools_it", "lower_secondary_schools_total"),
    ("2B/I/II/19.3", "upper_secondary_schools_it", "upper_secondary_schools_total"),
    # 20.2 "Tỷ lệ UBND cấp xã có cán bộ thực hiện nhiệm vụ chuyên trách CNTT"
    ("2B/I/II/20.2", "communes_with_it_staff", "communes_total"),
    # 1.3 "Tỷ lệ đơn vị sự nghiệp trực thuộc UBND cấp huyện sử dụng Hệ thống QLVB&ĐH"
    ("2B/II/II/1.3", "units_using_qlvb", "units_total"),
    # 2.1 "Tỷ lệ văn bản đến được số hóa…/ Tổng số bản văn bản đến UBND huyện"
    ("2B/II/II/2.1", "incoming_docs_digitised", "incoming_docs_total"),
    # 2.2 "Tỷ lệ văn bản đi được số hóa…/ Tổng số bản văn bản đi của UBND huyện"
    ("2B/II/II/2.2", "outgoing_docs_digitised", "outgoing_docs_total"),
    # 2.3 "Tỷ lệ văn bản đến được Lãnh đạo xét duyệt…/ Tổng số văn bản đến của đơn vị"
    ("2B/II/II/2.3", "incoming_docs_leader_reviewed", "incoming_docs_unit_total"),
    # 2.4 "Tỷ lệ văn bản đi được Lãnh đạo xét duyệt…/ Tổng số văn bản đi của đơn vị"
    ("2B/II/II/2.4", "outgoing_docs_leader_reviewed", "outgoing_docs_unit_total"),
    # 13.2 "Tỷ lệ TTHC được đưa vào áp dụng trong phần mềm…/ Tổng số TTHC cấp huyện"
    ("2B/II/II/13.2", "tthc_in_software", "tthc_total"),
    # 13.3 "Tỷ lệ hồ sơ được tiếp nhận, thụ lý và quản lý trong phần mềm 1 cửa/ Tổng số hồ sơ
    # tiếp nhận, thụ lý và có hạn thụ lý trong năm"
    ("2B/II/II/13.3", "dossiers_in_software", "dossiers_with_deadline"),
    # 13.4 "Tỷ lệ UBND cấp xã ứng dụng phần mềm một cửa"
    ("2B/II/II/13.4", "communes_one_stop_software", "communes_total"),
    # 14.1 "…được công khai tình trạng giải quyết…/ Tổng số hồ sơ… tại UBND cấp huyện"
    ("2B/II/II/14.1", "dossiers_status_public", "dossiers_total"),
    # 14.2 "…tại UBND cấp xã được công khai tình trạng giải quyết…/ Tổng số hồ sơ… cấp xã"
    ("2B/II/II/14.2", "commune_dossiers_status_public", "commune_dossiers_total"),
    # IV 3-5 "Tỷ lệ hồ sơ nộp qua DVC trực tuyến mức độ 3 và 4 liên thông…" "(Điểm luôn <= 10)"
    ("2B/II/IV/3", "linked_online_dossiers_commune_district", "linked_dossiers_commune_district"),
    ("2B/II/IV/4", "linked_online_dossiers_district_province",
     "linked_dossiers_district_province"),
    ("2B/II/IV/5", "linked_online_dossiers_three_levels", "linked_dossiers_three_levels"),
]

# A stated percentage of the report, "Điểm = Tỷ lệ% x Điểm tối đa": points = p/100 x 10.
PERCENTS = [
    # 1.1-1.3 "Tỷ lệ máy tính/ cán bộ công chức cấp huyện / viên chức cấp huyện / cấp xã"
    ("2B/I/I/1.1", "computer_ratio_district"),
    ("2B/I/I/1.2", "computer_ratio_public_units"),
    ("2B/I/I/1.3", "computer_ratio_commune"),
    # 14 "Tỷ lệ hộ gia đình có máy tính"
    ("2B/I/I/14", "households_computer_percent"),
    # 15 "Tỷ lệ hộ gia đình có kết nối internet băng rộng" (seed: "Tỷ lệ% x 1", read as x 10)
    ("2B/I/I/15", "households_broadband_percent"),
    # 16 "Tỷ lệ doanh nghiệp có kết nối internet băng rộng"
    ("2B/I/I/16", "enterprises_broadband_percent"),
    # 17 "Tỷ lệ dân số có thuê bao di động"
    ("2B/I/I/17", "population_mobile_percent"),
    # 18 "Tỷ lệ dân số có thuê bao di động băng rộng"
    ("2B/I/I/18", "population_mobile_broadband_percent"),
    # 20.3 "Tỷ lệ cán bộ chuyên trách CNTT cấp huyện có trình độ ĐH chuyên ngành CNTT trở lên"
    ("2B/I/II/20.3", "it_staff_university_percent"),
    # 21.1.3 "Tỷ lệ CBCC cấp huyện đã qua đào tạo và sử dụng thành thạo máy tính…"
    ("2B/I/II/21.1.3", "officials_it_skilled_percent"),
    # 21.2.1 "Tỷ lệ CBCC cấp xã đã qua đào tạo và sử dụng thành thạo máy tính…"
    ("2B/I/II/21.2.1", "commune_officials_it_skilled_percent"),
    # 21.2.2 "Tỷ lệ cán bộ làm nhiệm vụ chuyên trách CNTT cấp xã đạt chuẩn kỹ năng…"
    ("2B/I/II/21.2.2", "commune_it_staff_standard_percent"),
    # 21.2.3 "Tỷ lệ số lượt cán bộ… được tập huấn chuyên sâu về CNTT trong năm/ Tổng số cán bộ…"
    ("2B/I/II/21.2.3", "commune_it_staff_training_percent"),
    # 1.1 "Tỷ lệ cán bộ công chức cấp huyện được cấp phát tài khoản và sử dụng thường xuyên…"
    ("2B/II/II/1.1", "officials_qlvb_percent"),
    # 1.2 "Tỷ lệ viên chức cấp huyện được cấp phát tài khoản sử dụng Hệ thống QLVB&ĐH"
    ("2B/II/II/1.2", "public_employees_qlvb_percent"),
    # 3 "Tỷ lệ văn bản đi được ký số bằng chữ ký số cơ quan…" (seed: "Tỷ lệ% x 1", read as x 10)
    ("2B/II/II/3", "outgoing_signed_agency_percent"),
    # 4 "…ký số bằng chữ ký số của Lãnh đạo cơ quan…"
    ("2B/II/II/4", "outgoing_signed_leader_percent"),
    # 5 "…ký số bằng chữ ký số của Lãnh đạo phòng, ban…"
    ("2B/II/II/5", "outgoing_signed_dept_leader_percent"),
    # 6 "Tỷ lệ UBND cấp xã sử dụng chữ ký số"
    ("2B/II/II/6", "communes_digital_signature_percent"),
    # 7 "Tỷ lệ Lãnh đạo cấp xã sử dụng chữ ký số"
    ("2B/II/II/7", "commune_leaders_digital_signature_percent"),
    # 8 "Tỷ lệ văn bản UBND cấp xã ký số/tổng số văn bản UBND cấp xã gửi đến UBND cấp huyện"
    ("2B/II/II/8", "commune_docs_signed_percent"),
    # 9 "Tỷ lệ cán bộ công chức cấp huyện được cấp hộp thư điện tử chuyên dùng…"
    ("2B/II/II/9", "officials_email_percent"),
    # 10 "…cấp huyện thường xuyên sử dụng thư điện tử chuyên dùng…"
    ("2B/II/II/10", "officials_email_use_percent"),
    # 11 "Tỷ lệ cán bộ công chức cấp xã được cấp hộp thư điện tử chuyên dùng…"
    ("2B/II/II/11", "commune_officials_email_percent"),
    # 12 "…cấp xã thường xuyên sử dụng thư điện tử chuyên dùng…"
    ("2B/II/II/12", "commune_officials_email_use_percent"),
    # 13.5 "Tỷ lệ bình quân số TTHC được đưa vào áp dụng trong phần mềm đối với UBND cấp xã…"
    ("2B/II/II/13.5", "commune_tthc_in_software_percent"),
]
# the form accepts these above 100 (computers per staff, training sessions per staff)
OVER_100 = {"2B/I/I/1.1", "2B/I/I/1.2", "2B/I/I/1.3", "2B/I/II/21.2.3"}

# A box Có/ Không of the report: "Có: 10; Không: 0".
YES_NO = [
    ("2B/I/I/2.1", "specialised_network"),      # "UBND cấp huyện có kết nối mạng truyền số liệu…"
    ("2B/I/I/3.1", "one_stop_modern"),          # "Bộ phận tiếp nhận và trả kết quả hiện đại…"
    ("2B/I/I/4", "led_screen"),                 # "Màn hình cỡ lớn hoặc bảng LED điện tử…"
    ("2B/I/I/5", "cctv"),                       # "Hệ thống Camera giám sát an ninh…"
    ("2B/I/I/6", "lightning_protection"),       # "Hệ thống chống sét lan truyền bảo vệ mạng LAN"
    ("2B/I/I/7.1", "firewall"),                 # "Hệ thống tường lửa/ giám sát truy nhập…"
    ("2B/I/I/8.1", "video_conference_room"),    # "Phòng họp trực tuyến của huyện"
    ("2B/I/I/9.1", "tthc_lookup_screen"),       # "Màn hình tra cứu TTHC phục vụ người dân…"
    ("2B/I/I/10.1", "barcode_reader"),          # "Đầu đọc mã vạch tra cứu hồ sơ TTHC…"
    ("2B/I/I/11", "queue_kiosk"),               # "Kiosk cấp số thứ tự…"
    ("2B/I/III/22", "steering_committee"),      # "Thành lập Ban chỉ đạo CNTT cấp huyện"
    ("2B/I/III/23", "it_master_plan"),          # "Ban hành Quy hoạch/ Đề án/ Kế hoạch…5 năm"
    ("2B/I/III/24", "it_annual_plan"),          # "Ban hành kế hoạch CNTT năm"
    ("2B/I/III/25", "it_promotion_plan"),       # "Ban hành kế hoạch/ văn bản chỉ đạo tuyên truyền…"
    ("2B/II/II/13.1", "one_stop_software"),     # "Ứng dụng phần mềm một cửa…"
    ("2B/II/II/15", "satisfaction_software_district"),  # "Phần mềm đánh giá mức độ hài lòng…"
    ("2B/II/II/16", "app_accounting_assets"),   # "Phần mềm kế toán và quản lý tài sản công"
    ("2B/II/II/17", "app_staff_management"),    # "Phần mềm quản lý cán bộ công chức"
    ("2B/II/II/18", "app_civil_status"),        # "Phần mềm quản lý hộ tịch, dân cư"
    ("2B/II/II/19", "app_socioeconomic"),       # "Phần mềm quản lý về thông tin kinh tế xã hội"
    ("2B/II/II/20", "app_policy_beneficiaries"),  # "…đối tượng chính sách, người có công"
    ("2B/II/II/21", "app_business_registration"),  # "…đăng ký kinh doanh…"
    ("2B/II/II/22", "app_food_safety"),         # "Phần mềm quản lý vệ sinh an toàn thực phẩm"
    ("2B/II/II/23", "app_natural_resources"),   # "Phần mềm quản lý tài nguyên, môi trường"
    ("2B/II/II/24", "app_complaints"),          # "Phần mềm quản lý đơn thư, khiếu nại và tố cáo"
    ("2B/II/II/25", "app_construction_planning"),  # "Phần mềm quản lý xây dựng/ quy hoạch đô thị"
    ("2B/II/IV/1", "shared_eforms"),            # "Có ứng dụng mẫu biểu điện tử dùng chung…"
    ("2B/II/IV/2", "single_sign_on"),           # "Có ứng dụng quản lý người dùng và đăng nhập…"
]

# A count of the report, ">=1: 10; =0 (Không): 0".
AT_LEAST_ONE = [
    ("2B/I/I/12.1", "scanners_district"),       # "Số máy Scan đang sử dụng tại UBND cấp huyện"
    ("2B/I/II/20.1", "it_staff_district"),      # "Số cán bộ chuyên trách CNTT cấp huyện"
    ("2B/I/II/21.1.1", "it_staff_trainings"),   # "Số lượt cán bộ chuyên trách CNTT… tập huấn"
]

# The criteria with rules of their own, and the answers they read.
SPECIAL = {
    "2B/I/II/21.1.2": ["it_staff_project_certified", "it_staff_district"],
    "2B/I/III/26": ["security_rules", "digital_signature_assignment", "email_account_assignment"],
    "2B/I/III/27": ["portal_operation_rules", "portal_editorial_board"],
    "2B/I/III/28": ["it_staff_special_policy", "it_staff_assignment", "it_inspection_plan",
                    "it_periodic_reports"],
    "2B/I/III/29": ["it_budget"],
}

READS: dict[str, list[str]] = {
    **{cid: [num, den] for cid, num, den in RATIOS},
    **{cid: [ans] for cid, ans in PERCENTS + YES_NO + AT_LEAST_ONE},
    **SPECIAL,
}


def test_the_tables_here_cover_every_criterion_of_the_five_categories():
    # 30 + 12 + 8 + 35 + 5 items (Phụ lục 2B: "50 tiêu chí/ 500 điểm" for part I)
    ids = [c.id for cat in MINE for c in CHECKLISTS[cat].criteria]
    assert len(ids) == 90
    assert sorted(READS) == sorted(ids)
    assert len(RATIOS) + len(PERCENTS) + len(YES_NO) + len(AT_LEAST_ONE) + len(SPECIAL) == 90


def _survey_names(value) -> set[str]:
    if isinstance(value, str):
        return {value[len("survey."):]} if value.startswith("survey.") else set()
    if isinstance(value, dict):
        return set().union(set(), *(_survey_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(_survey_names(v) for v in value))
    return set()


@pytest.mark.parametrize("cid", sorted(READS))
def test_each_criterion_reads_the_answers_written_here_and_only_the_report(cid):
    criterion = CRITERIA[cid]
    names = _survey_names(criterion.input) | _survey_names(criterion.rule)
    assert names == set(READS[cid])
    # nothing but the report: no register, service or commune quantity
    assert "declared." not in str(criterion.input) + str(criterion.rule)
    assert "children." not in str(criterion.input) + str(criterion.rule)


# --- the answers are questions of form 2A ------------------------------------------------------

TYPES = {**{ans: "percent" for _, ans in PERCENTS}, **{ans: "yes_no" for _, ans in YES_NO},
         **{ans: "count" for _, ans in AT_LEAST_ONE},
         **{name: "count" for _, num, den in RATIOS for name in (num, den)},
         "it_staff_project_certified": "count", "it_budget": "money",
         **{name: "yes_no" for cid in ("2B/I/III/26", "2B/I/III/27", "2B/I/III/28")
            for name in SPECIAL[cid]}}


@pytest.mark.parametrize("answer,kind", sorted(TYPES.items()))
def test_every_answer_read_is_an_item_of_form_2A_of_the_right_type(answer, kind):
    item = FORM.item(answer)
    assert item is not None, f"form 2A has no item {answer!r}"
    assert item.type == kind


# the survey ids the existing 2B checklists (II/I, II/III) read: asked by form 2A
EXISTING_2B = [
    "dossiers_total", "online_dossiers_level3", "online_dossiers_level4",
    "commune_dossiers_total", "commune_online_dossiers_level34", "dossiers_on_time",
    "commune_dossiers_on_time", "online_dossiers_level34", "online_dossiers_on_time_level34",
    "feedback_answered", "feedback_total", "population_digitised", "population_total",
    "commune_online_dossiers_on_time_level34", "services_level12",
    "linked_services_level34_commune_district", "linked_tthc_commune_district",
    "linked_services_level34_district_province", "linked_tthc_district_province",
    "linked_services_level34_three_levels", "linked_tthc_three_levels",
    "meetings_province_district", "video_meetings_province_district",
    "meetings_district_commune", "video_meetings_district_commune",
]


@pytest.mark.parametrize("answer", EXISTING_2B)
def test_form_2A_asks_what_the_existing_district_checklists_read(answer):
    item = FORM.item(answer)
    assert item is not None and item.type == "count"


def test_form_2A_declares_services_and_topics():
    # "service counts at level 3/4 get declares: {services_level: 3|4}"
    assert FORM.item("services_level3").declares == {"services_level": 3}
    assert FORM.item("services_level4").declares == {"services_level": 4}
    # Mục I row 8 "Tuyên truyền, phổ biến, hướng dẫn việc thực hiện pháp luật nói chung"
    assert FORM.item("law_propaganda_posts").declares == {"topic": ["pbgdpl"]}
    assert FORM.level == "district" and [s.id for s in FORM.sections] == [
        "1", "2", "3", "4", "I", "II", "III", "IV", "V"]


# --- ratios -------------------------------------------------------------------------------

@pytest.mark.parametrize("numerator,denominator,expected", [
    (0, 40, 0),        # 0 % x 10
    (1, 40, 0.25),     # 2.5 % x 10
    (30, 40, 7.5),     # 75 % x 10
    (39, 40, 9.75),    # 97.5 % x 10
    (40, 40, 10),      # 100 % x 10
    (41, 40, 10),      # "(Tối đa <= 10 điểm)" / "(Điểm luôn <= 10)": capped at the max
])
@pytest.mark.parametrize("cid,num,den", RATIOS)
def test_ratio_of_two_answers(cid, num, den, numerator, denominator, expected):
    assert points(cid, survey(**{num: numerator, den: denominator})) == expected


@pytest.mark.parametrize("cid,num,den", RATIOS)
def test_ratio_over_zero_is_not_assessed_not_zero(cid, num, den):
    finding = score(cid, survey(**{num: 0, den: 0}))
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert f"survey.{den}" in finding.reason


# --- stated percentages --------------------------------------------------------------------

@pytest.mark.parametrize("share,expected", [
    (0, 0),            # 0 % x 10
    (0.5, 0.05),       # 0.5 % x 10
    (37.5, 3.75),      # 37.5 % x 10
    (99.9, 9.99),      # just below the max
    (100, 10),         # 100 % x 10 = the max
])
@pytest.mark.parametrize("cid,answer", PERCENTS)
def test_stated_percentage(cid, answer, share, expected):
    assert points(cid, survey(**{answer: share})) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("cid", sorted(OVER_100))
def test_percentage_above_100_is_capped_at_the_max(cid):
    # 1.1-1.3 "Tỷ lệ máy tính/ cán bộ…", 21.2.3 "Tỷ lệ số lượt… / Tổng số cán bộ…":
    # 150 % x 10 = 15, "(Tối đa <= 10 điểm)" → 10
    answer = READS[cid][0]
    assert points(cid, survey(**{answer: 150})) == 10
    assert FORM.item(answer).max == 1000


def test_item_15_households_broadband_is_read_as_x10_not_x1():
    # seed: "Điểm = Tỷ lệ% x Điểm tối đa (Tối đa <= 1 điểm); Tỷ lệ% x 1", Điểm tối đa 10;
    # read as x 10: 80 % → 8 (the literal words would give 0.8), 100 % → 10 (not 1)
    assert points("2B/I/I/15", survey(households_broadband_percent=80)) == 8
    assert points("2B/I/I/15", survey(households_broadband_percent=100)) == 10
    assert "Tối đa <= 1 điểm" in CRITERIA["2B/I/I/15"].seed
    assert CRITERIA["2B/I/I/15"].reading


def test_item_3_agency_signature_is_read_as_x10_not_x1():
    # seed: "Điểm = Tỷ lệ% x điểm tối đa; Tỷ lệ% x 1", Điểm tối đa 10: 60 % → 6 (not 0.6)
    assert points("2B/II/II/3", survey(outgoing_signed_agency_percent=60)) == 6
    assert CRITERIA["2B/II/II/3"].reading


# --- boxes and counts ------------------------------------------------------------------------

@pytest.mark.parametrize("answer_value,expected", [(1, 10), (0, 0)])  # "Có: 10; Không: 0"
@pytest.mark.parametrize("cid,answer", YES_NO)
def test_yes_no(cid, answer, answer_value, expected):
    assert points(cid, survey(**{answer: answer_value})) == expected


@pytest.mark.parametrize("count,expected", [
    (0, 0),            # "=0: 0" / "Không: 0"
    (1, 10),           # ">=1: 10"
    (12, 10),
])
@pytest.mark.parametrize("cid,answer", AT_LEAST_ONE)
def test_at_least_one(cid, answer, count, expected):
    assert points(cid, survey(**{answer: count})) == expected


@pytest.mark.parametrize("certified,staff,expected", [
    # 21.1.2 "Tỷ lệ cán bộ chuyên trách CNTT cấp huyện được đào tạo một trong số các chứng chỉ
    # nghiệp vụ… theo Nghị định số 102/2009/NĐ-CP": "Điểm = Tỷ lệ% x Điểm tối đa"
    (0, 4, 0),
    (1, 4, 2.5),       # 25 % x 10
    (3, 4, 7.5),
    (4, 4, 10),
    (5, 4, 10),        # "(Tối đa <= 10 điểm)"
    (0, 0, 0),         # no IT staff (20.1 "=0: 0"): none certified → 0, not undefined
])
def test_certified_it_staff(certified, staff, expected):
    obs = survey(it_staff_project_certified=certified, it_staff_district=staff)
    assert points("2B/I/II/21.1.2", obs) == expected


@pytest.mark.parametrize("security,signature,email,expected", [
    # 26: "- Quy chế đảm bảo an toàn thông tin…: Có 5"; "- Văn bản giao cán bộ quản lý và sử
    # dụng chứng thư số và chữ ký số: Có 2.5"; "- Văn bản giao cán bộ quản lý và sử dụng tài
    # khoản thư điện tử công vụ…: Có 2.5"; the row "Có: 10"
    (0, 0, 0, 0),
    (1, 0, 0, 5),
    (0, 1, 0, 2.5),
    (0, 0, 1, 2.5),
    (0, 1, 1, 5),
    (1, 1, 0, 7.5),
    (1, 1, 1, 10),
])
def test_internal_information_system_rules_26(security, signature, email, expected):
    obs = survey(security_rules=security, digital_signature_assignment=signature,
                 email_account_assignment=email)
    assert points("2B/I/III/26", obs) == expected


@pytest.mark.parametrize("rules,board,expected", [
    # 27: "27.1 - Quy chế vận hành và duy trì hoạt động cho cổng thông tin điện tử: Có 5";
    # "27.2 - Thành lập BBT Cổng thông tin điện tử: Có 5"; the row "Có: 10"
    (0, 0, 0),
    (1, 0, 5),
    (0, 1, 5),
    (1, 1, 10),
])
def test_portal_rules_27(rules, board, expected):
    obs = survey(portal_operation_rules=rules, portal_editorial_board=board)
    assert points("2B/I/III/27", obs) == expected


@pytest.mark.parametrize("answers,expected", [
    # 28: four sub-rows "Có 2.5" each (chính sách đặc thù, Quyết định phân công, Kế hoạch kiểm
    # tra, Báo cáo định kỳ); the row "Có: 10"
    ((0, 0, 0, 0), 0),
    ((1, 0, 0, 0), 2.5),
    ((0, 1, 0, 0), 2.5),
    ((0, 0, 1, 0), 2.5),
    ((0, 0, 0, 1), 2.5),
    ((0, 1, 1, 1), 7.5),
    ((1, 1, 1, 1), 10),
])
def test_other_it_documents_28(answers, expected):
    obs = survey(**dict(zip(SPECIAL["2B/I/III/28"], answers)))
    assert points("2B/I/III/28", obs) == expected


@pytest.mark.parametrize("budget,expected", [
    # 29 "Ngân sách chi CNTT trong năm tại UBND cấp huyện": ">=500tr: 10; 100 -<500tr: 5;
    # <100tr: 0" (tr = triệu đồng)
    (0, 0),
    (99_999_999, 0),
    (100_000_000, 5),
    (499_999_999, 5),
    (500_000_000, 10),
    (2_000_000_000, 10),
])
def test_it_budget_29(budget, expected):
    assert points("2B/I/III/29", survey(it_budget=budget)) == expected


# --- missing answers: not assessed, never 0 --------------------------------------------------

# Answers that give every criterion of the five categories its max, worked by hand: ratios
# 40 of 40, percentages 100, boxes Có, counts 1 or more, the budget 500 triệu.
BEST = {
    **{num: 40 for _, num, _ in RATIOS}, **{den: 40 for _, _, den in RATIOS},
    **{ans: 100 for _, ans in PERCENTS}, **{ans: 1 for _, ans in YES_NO},
    **{ans: 1 for _, ans in AT_LEAST_ONE},
    "it_staff_project_certified": 1,  # of it_staff_district = 1: 100 %
    **{name: 1 for cid in ("2B/I/III/26", "2B/I/III/27", "2B/I/III/28")
       for name in SPECIAL[cid]},
    "it_budget": 500_000_000,
}

MISSING = [(cid, answer) for cid in sorted(READS) for answer in READS[cid]]


@pytest.mark.parametrize("cid,answer", MISSING)
def test_a_missing_answer_makes_the_criterion_not_assessed_with_a_reason(cid, answer):
    obs = survey(**{k: v for k, v in BEST.items() if k != answer})
    finding = score(cid, obs)
    assert (finding.status, finding.points) == ("not_assessed", None)
    assert f"survey.{answer}" in finding.reason


def test_an_answer_that_is_not_a_number_is_not_assessed():
    obs = {**survey(**BEST), "survey/it_budget": {"value": "khoảng 300 triệu"}}
    finding = score("2B/I/III/29", obs)
    assert finding.status == "not_assessed" and "survey.it_budget" in finding.reason


# --- each category's best answers give exactly its stated max ---------------------------------

@pytest.mark.parametrize("cat,stated", [
    ("2B/I/I", 300),    # "I. CÁC TIÊU CHÍ VỀ CƠ SỞ HẠ TẦNG THÔNG TIN 300" (item 15 read as 10)
    ("2B/I/II", 120),   # "II. CÁC TIÊU CHÍ VỀ NHÂN LỰC CNTT 120"
    ("2B/I/III", 80),   # "III. CÁC TIÊU CHÍ VỀ MÔI TRƯỜNG CHÍNH SÁCH 80"
    ("2B/II/II", 350),  # "II. ĐÁNH GIÁ MỨC ĐỘ TƯƠNG TÁC 350" (item 3 read as x10)
    ("2B/II/IV", 50),   # "IV. ĐÁNH GIÁ MỨC ĐỘ CHUYỂN ĐỔI 50"
])
def test_best_answers_give_the_category_its_stated_max(cat, stated):
    checklist = CHECKLISTS[cat]
    ctx = context(survey(**BEST))
    findings = [score_criterion(c, ctx, AS_OF) for c in checklist.criteria]
    short = [(f.criterion_id, f.status, f.points, f.max_points) for f in findings
             if f.points != f.max_points]
    assert short == []
    result = score_category(checklist, findings, TABLES)
    assert (result.points, result.max_points, result.complete) == (stated, stated, True)
    assert result.rating == "Mức I"  # 100 % ≥ 90 % x max, the table's Mức I share


def test_part_I_readiness_adds_up_to_500():
    # "I. Nhóm tiêu chí đánh giá Điều kiện sẵn sàng… (50 tiêu chí/ 500 điểm)"
    parts = [CHECKLISTS[c] for c in ("2B/I/I", "2B/I/II", "2B/I/III")]
    assert sum(c.max_points for c in parts) == 500
    assert sum(len(c.criteria) for c in parts) == 50


def test_one_answer_short_of_best_costs_exactly_its_share():
    # 2B/I/I with 7.2 at 30 of 40 communes (75 % x 10 = 7.5): 300 - 2.5 = 297.5
    ctx = context(survey(**{**BEST, "communes_firewall": 30}))
    checklist = CHECKLISTS["2B/I/I"]
    findings = [score_criterion(c, ctx, AS_OF) for c in checklist.criteria]
    result = score_category(checklist, findings, TABLES)
    # communes_total is shared: 2.3, 2.4, 3.2, 8.2, 9.2, 10.2, 12.2 keep 40/40
    assert result.points == 297.5


# --- these tests can fail: a changed file changes a hand-worked value -------------------------

def _reloaded(tmp_path: Path, cid: str, change):
    for name in ("topics.yaml", "ratings.yaml"):
        shutil.copy(DEFAULT_DIR / name, tmp_path / name)
    source = CHECKLISTS[CRITERIA[cid].category_id].path
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(next(c for c in data["criteria"] if str(c["id"]) == cid))
    target = tmp_path / source.name
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    checklist = load_checklist(target, load_topics(tmp_path / "topics.yaml"))
    return next(c for c in checklist.criteria if c.id == cid)


def test_the_literal_x1_of_item_15_would_be_caught(tmp_path):
    def literal(raw):
        raw["rule"]["expression"] = "min(share, 100) / 100"  # "Tỷ lệ% x 1"

    moved = _reloaded(tmp_path, "2B/I/I/15", literal)
    finding = score_criterion(moved, context(survey(households_broadband_percent=80)), AS_OF)
    assert finding.points == 0.8 != 8  # test_item_15… expects 8


def test_a_moved_budget_band_would_be_caught(tmp_path):
    def moved_band(raw):
        raw["rule"]["bands"][1]["min"] = 100_000_001

    moved = _reloaded(tmp_path, "2B/I/III/29", moved_band)
    finding = score_criterion(moved, context(survey(it_budget=100_000_000)), AS_OF)
    assert finding.points == 0 != 5  # test_it_budget_29 expects 5 at 100 000 000


def test_a_changed_sub_row_would_be_caught(tmp_path):
    def swapped(raw):
        raw["rule"]["parts"][0]["bands"][0]["points"] = 2.5
        raw["rule"]["parts"][1]["bands"][0]["points"] = 5

    moved = _reloaded(tmp_path, "2B/I/III/26", swapped)
    obs = survey(security_rules=1, digital_signature_assignment=0, email_account_assignment=0)
    assert score_criterion(moved, context(obs), AS_OF).points == 2.5 != 5


def test_a_renamed_answer_would_be_caught(tmp_path):
    def renamed(raw):
        raw["input"]["value"] = "survey.firewall_district"

    moved = _reloaded(tmp_path, "2B/I/I/7.1", renamed)
    assert _survey_names(moved.input) != set(READS["2B/I/I/7.1"])
    finding = score_criterion(moved, context(survey(**BEST)), AS_OF)
    assert finding.status == "not_assessed"
