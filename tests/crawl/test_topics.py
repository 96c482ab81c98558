"""A section feeds the topic its name names most specifically, once: names from real portals
(the NukeViet commune capture, sotttt.hanoi.gov.vn, the WordPress and vendor portals of the
crawler issue), each with the topics an inspector would give it."""

from __future__ import annotations

import pytest

from inspector.crawl.topics import assign

REPORTS = ("bao-cao-ktxh", "bao-cao-attp-moi-truong", "bao-cao-dat-dai-dan-so")

NAMES = [
    # (section name, post titles it holds, topics, source)
    ("Kế hoạch - Lịch công tác tháng", [], ("lich-cong-tac",),
     "crawler issue: a work schedule, not 'kế hoạch phát triển'"),
    ("Kế hoạch - Lịch công tác tháng", ["Lịch công tác tháng 11/2026 của UBND xã"],
     ("lich-cong-tac",), "the same with its posts"),
    ("Báo cáo tình hình kinh tế - xã hội",
     ["Báo cáo tình hình kinh tế - xã hội quý III năm 2026",
      "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm 2026"], ("bao-cao-ktxh",),
     "crawler issue: the socio-economic report's, not khuyến nông's 'kinh tế'"),
    ("Báo cáo tình hình kinh tế - xã hội", [], ("bao-cao-ktxh",), "the same, empty"),
    ("Báo cáo - Kinh tế", ["Báo cáo dân số quý III năm 2026"], REPORTS,
     "equal weight: the posts' titles tell (reports)"),
    ("Thông báo - Kinh tế", [], ("khieu-nai-to-cao",),
     "equal weight, no post to tell: the name's head"),
    ("Thống kê - Báo cáo", [], REPORTS, "one phrase names the three report topics alike"),
    ("Lịch làm việc", [], ("lich-cong-tac",), "NukeViet commune capture"),
    ("Tuyên truyền pháp luật", [], ("pbgdpl",), "NukeViet commune capture"),
    ("Phổ biến, giáo dục pháp luật", [], ("pbgdpl",), "sotttt.hanoi.gov.vn"),
    ("Tin hoạt động", [], ("tin-tuc-su-kien", "tin-dia-phuong"), "NukeViet: general news"),
    ("Tin tức - Sự kiện", [], ("tin-tuc-su-kien", "chinh-tri-xa-hoi", "tin-dia-phuong"),
     "general news feeds the general topics and the locality's information"),
    ("Tài nguyên - Môi trường", [], ("tai-nguyen-thien-nhien",),
     "NukeViet: 'tài nguyên môi trường' names more of it than 'môi trường'"),
    ("Kinh tế - Nông nghiệp", [], ("san-xuat-kinh-doanh",),
     "NukeViet: 'kinh tế' and 'nông nghiệp' are both production's, only 'kinh tế' the "
     "locality's information"),
    ("Kinh tế", [], ("chinh-tri-xa-hoi", "san-xuat-kinh-doanh"),
     "one word both topics name, no post telling them apart: shared"),
    ("Giảm nghèo bền vững", [], ("chinh-sach-xa-hoi", "ho-ngheo"),
     "NukeViet: 'giảm nghèo' is both topics' word"),
    ("Văn bản chỉ đạo điều hành", [], ("chi-dao-dieu-hanh",), "not 'văn bản' (legal documents)"),
    ("Kế hoạch phát triển kinh tế - xã hội", [], ("chien-luoc-quy-hoach",),
     "'kế hoạch phát triển' over 'kinh tế'"),
    ("Lấy ý kiến góp ý dự thảo văn bản", [], ("lay-y-kien",), "not Q&A's 'góp ý'"),
    ("Hỏi đáp - Góp ý", [], ("hoi-dap",), "Q&A"),
    ("Khuyến nông", [], ("san-xuat-kinh-doanh",), "crawler issue: the topic's own section"),
    ("TUYÊN TRUYỀN PBGDPL", [], ("pbgdpl",), "capitals and an abbreviation"),
    ("Chỉ đạo điều hành", ["Kế hoạch tổ chức Tết Nguyên đán"], ("chi-dao-dieu-hanh",),
     "posts never add a topic the name does not carry"),
    ("Văn hóa - Thể thao", [], (), "NukeViet: no topic of the method"),
]


@pytest.mark.parametrize("name,titles,topics,source", NAMES,
                         ids=[f"{n[0]}|{len(n[1])}" for n in NAMES])
def test_a_section_feeds_the_topics_it_names_most_specifically(name, titles, topics, source):
    assert sorted(assign(name, titles).topics) == sorted(topics), source


def test_the_assignment_says_why_and_which_topics_lost():
    assignment = assign("Kế hoạch - Lịch công tác tháng")
    why = assignment.explain()
    assert "lich-cong-tac: 'lịch công tác'" in why
    assert "not chien-luoc-quy-hoach ('kế hoạch'" in why
    reports = assign("Báo cáo - Kinh tế", ["Báo cáo dân số quý III năm 2026"])
    lost = {topic: reason for topic, _, reason in reports.competing}
    assert "san-xuat-kinh-doanh" in lost and "titles" in lost["san-xuat-kinh-doanh"]
    head = assign("Thông báo - Kinh tế")
    assert any("first words" in reason for _, _, reason in head.competing)
