"""What the WordPress commune portal holds: its categories, posts (at planned local dates), pages
and menu. Deterministic: the same plan every run; tests/wordpress/setup.php inserts it and
writes the ground truth from WordPress itself (permalinks, categories, dates as stored).

The dates are chosen around the inspection window of AS_OF (2025-11-01 .. 2026-10-31, local
time +07:00):

- "Tin tức - Sự kiện" has 26 posts (pages 1-3 of its archive): 22 in the window, three of them
  on page 3 (the oldest at 00:30 on 1 November 2025, which is still 31 October in UTC), a post
  at 22:00 on the as-of date, one at 06:30 the day after (31 October in UTC: after the as-of
  date in Vietnam), posts just outside the start edge, and a sticky post from 2025 that the
  home page shows first.
- "Chỉ đạo điều hành" (14 posts) and "Lịch công tác" (13) have one post in each month of the
  window; their page 2 holds the window's first months (the monthly criteria see the gap).
- "An toàn thực phẩm" (13) has a post after the as-of date on page 1 and its 10th in-window post
  on page 2 (10 posts is the top band of criterion 3B/II/I/12).
- "Tuyên truyền pháp luật" has exactly 8 in-window posts (the top band of 3B/II/I/6), one at
  07:15 on 1 November 2025 and one at 23:45 on 31 October 2025 (outside).
- Two posts are in two categories each (their permalink names the lower category id only).
- "Gương điển hình" has no post and is still in the menu.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

AS_OF = date(2026, 10, 31)
WINDOW_START = date(2025, 11, 1)
TIMEZONE = "Asia/Ho_Chi_Minh"
PERMALINK = "/%category%/%postname%/"
CATEGORY_BASE = "chuyen-muc"
POSTS_PER_PAGE = 10
SEED = 20261031

SITE = {
    "blogname": "UBND xã Mỹ Hòa Hưng",
    "blogdescription": "Cổng thông tin điện tử xã Mỹ Hòa Hưng, tỉnh An Giang",
    "admin_user": "quantri",
    "admin_email": "quantri@my-hoa-hung.example.invalid",
    "admin_password": "kiem-tra-cong-ttdt",
    "display_name": "Văn phòng UBND xã",
}

# slug, name, the commune topic it is meant for (checklists/topics.yaml), every commune topic
# whose section keywords its name carries (what a perfect crawl counts it for), menu parent.
CATEGORIES = [
    {"slug": "tin-tuc-su-kien", "name": "Tin tức - Sự kiện", "topic": "tin-dia-phuong",
     "topics": ["tin-dia-phuong", "chinh-tri-xa-hoi"], "menu_parent": None,
     "description": "Tin hoạt động của chính quyền và nhân dân xã"},
    {"slug": "chi-dao-dieu-hanh", "name": "Chỉ đạo điều hành", "topic": "chi-dao-dieu-hanh",
     "topics": ["chi-dao-dieu-hanh"], "menu_parent": "Chính quyền",
     "description": "Ý kiến chỉ đạo, điều hành của lãnh đạo UBND xã"},
    {"slug": "lich-cong-tac", "name": "Lịch công tác", "topic": "lich-cong-tac",
     "topics": ["lich-cong-tac"], "menu_parent": "Chính quyền",
     "description": "Lịch công tác hằng tháng của Thường trực UBND xã"},
    {"slug": "tiep-cong-dan", "name": "Tiếp công dân", "topic": "khieu-nai-to-cao",
     "topics": ["khieu-nai-to-cao"], "menu_parent": "Chính quyền",
     "description": "Lịch tiếp công dân, kết quả giải quyết khiếu nại, tố cáo"},
    {"slug": "cong-khai-ngan-sach", "name": "Công khai ngân sách", "topic": "ngan-sach",
     "topics": ["ngan-sach"], "menu_parent": "Chính quyền",
     "description": "Công khai dự toán, quyết toán ngân sách xã"},
    {"slug": "tuyen-truyen-phap-luat", "name": "Tuyên truyền pháp luật", "topic": "pbgdpl",
     "topics": ["pbgdpl"], "menu_parent": "Tuyên truyền",
     "description": "Phổ biến, giáo dục pháp luật"},
    {"slug": "an-toan-thuc-pham", "name": "An toàn thực phẩm", "topic": "an-toan-thuc-pham",
     "topics": ["an-toan-thuc-pham"], "menu_parent": "Tuyên truyền",
     "description": "Tuyên truyền an toàn vệ sinh thực phẩm"},
    {"slug": "nong-nghiep-nong-thon-moi", "name": "Nông nghiệp - Nông thôn mới",
     "topic": "san-xuat-kinh-doanh", "topics": ["san-xuat-kinh-doanh"],
     "menu_parent": "Tuyên truyền", "description": "Sản xuất nông nghiệp, mùa vụ, nông thôn mới"},
    {"slug": "guong-dien-hinh", "name": "Gương điển hình", "topic": "guong-dien-hinh",
     "topics": ["guong-dien-hinh"], "menu_parent": "Tuyên truyền",
     "description": "Gương tập thể, cá nhân điển hình"},
    {"slug": "hoi-dap", "name": "Hỏi đáp", "topic": "hoi-dap", "topics": ["hoi-dap"],
     "menu_parent": None, "description": "Hỏi đáp, giải đáp thắc mắc của người dân"},
]
EMPTY_CATEGORY = "guong-dien-hinh"

# (local time, title, categories, extra): extra "sticky" makes the post sticky.
_NEWS = [
    ("2026-11-01 06:30", "Khai mạc Ngày hội Đại đoàn kết toàn dân tộc ấp Mỹ Phú năm 2026"),
    ("2026-10-31 22:00", "Hội đồng nhân dân xã tổ chức kỳ họp chuyên đề tháng 10/2026"),
    ("2026-10-24 15:10", "Hội nghị sơ kết 9 tháng thực hiện Nghị quyết Đảng bộ xã"),
    ("2026-10-12 09:20", "Ra mắt mô hình \"Dân vận khéo\" trong xây dựng đường giao thông nông thôn"),
    ("2026-09-28 10:00", "Trao 50 suất học bổng cho học sinh có hoàn cảnh khó khăn"),
    ("2026-09-05 08:00", "Các trường học trên địa bàn xã khai giảng năm học 2026 - 2027"),
    ("2026-08-19 16:45", "Kỷ niệm 81 năm Cách mạng Tháng Tám và Quốc khánh 2/9"),
    ("2026-07-27 07:30", "Viếng Nghĩa trang liệt sĩ nhân kỷ niệm 79 năm Ngày Thương binh - Liệt sĩ"),
    ("2026-07-03 14:00", "Công an xã ra mắt tổ bảo vệ an ninh, trật tự ở cơ sở ấp Mỹ An"),
    ("2026-06-15 09:00", "Đoàn Thanh niên xã ra quân Chiến dịch Thanh niên tình nguyện hè năm 2026"),
    ("2026-05-30 10:30", "Tuyên dương 25 cháu ngoan Bác Hồ tiêu biểu năm học 2025 - 2026"),
    ("2026-05-08 08:15", "Hội nghị tiếp xúc cử tri trước kỳ họp thường lệ giữa năm 2026"),
    ("2026-04-29 09:00", "Giải bóng đá mini chào mừng Ngày Giải phóng miền Nam 30/4 và Quốc tế Lao động 1/5"),
    ("2026-04-02 15:30", "Hội Phụ nữ xã ra mắt câu lạc bộ phụ nữ khởi nghiệp"),
    ("2026-03-26 08:00", "Kỷ niệm 95 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh"),
    ("2026-03-02 07:45", "Lễ giao nhận quân năm 2026: 32 thanh niên lên đường nhập ngũ"),
    ("2026-02-10 09:30", "Thăm, tặng quà Tết Bính Ngọ cho các gia đình chính sách"),
    ("2026-01-20 14:00", "Hội nghị tổng kết công tác năm 2025, triển khai nhiệm vụ năm 2026"),
    ("2025-12-22 10:00", "Kỷ niệm 81 năm Ngày thành lập Quân đội nhân dân Việt Nam"),
    ("2025-11-18 19:30", "Ngày hội Đại đoàn kết toàn dân tộc ấp Mỹ Lợi năm 2025"),
    ("2025-11-01 00:30", "Khai mạc Hội chợ nông sản xã Mỹ Hòa Hưng năm 2025"),
    ("2025-10-31 21:00", "Nông dân xã hoàn thành thu hoạch lúa Thu Đông năm 2025"),
    ("2025-10-20 08:00", "Kỷ niệm 95 năm Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam"),
]
_STICKY = ("2025-08-12 09:00",
           "Cổng thông tin điện tử xã Mỹ Hòa Hưng chính thức đi vào hoạt động")
# In two categories each (the first category listed is the lower id: the permalink's).
_SHARED = [
    ("2026-01-06 08:30", "Nông dân xã xuống giống vụ Đông Xuân 2025 - 2026 đúng lịch thời vụ",
     ["tin-tuc-su-kien", "nong-nghiep-nong-thon-moi"]),
    ("2025-11-10 16:00", "Xã tổ chức hưởng ứng Ngày Pháp luật Việt Nam năm 2025",
     ["tin-tuc-su-kien", "tuyen-truyen-phap-luat"]),
]
_DIRECTION = [
    ("2026-10-20 14:00", "Thông báo kết luận của Chủ tịch UBND xã tại cuộc họp giao ban tháng 10/2026"),
    ("2026-09-18 10:00", "Chỉ thị về tăng cường phòng, chống dịch bệnh sốt xuất huyết trên địa bàn xã"),
    ("2026-08-21 15:00", "UBND xã chỉ đạo đẩy nhanh tiến độ thu ngân sách 6 tháng cuối năm 2026"),
    ("2026-07-16 09:30", "Công văn chỉ đạo triển khai các biện pháp phòng, chống mưa bão"),
    ("2026-06-19 16:00", "Thông báo kết luận cuộc họp UBND xã thường kỳ tháng 6/2026"),
    ("2026-05-14 08:00", "UBND xã chỉ đạo tổ chức tốt kỳ thi tốt nghiệp trung học phổ thông năm 2026"),
    ("2026-04-17 14:30", "Chỉ đạo tăng cường quản lý trật tự xây dựng trên địa bàn xã"),
    ("2026-03-12 10:15", "Thông báo kết luận của Chủ tịch UBND xã về công tác cải cách hành chính quý I/2026"),
    ("2026-02-24 08:45", "Chỉ đạo bảo đảm an ninh trật tự sau Tết Nguyên đán Bính Ngọ 2026"),
    ("2026-01-15 15:30", "UBND xã ban hành Kế hoạch phát triển kinh tế - xã hội năm 2026"),
    ("2025-12-11 09:00", "Chỉ đạo các ấp tổ chức tổng vệ sinh đón Tết Nguyên đán Bính Ngọ 2026"),
    ("2025-11-03 07:30", "Thông báo kết luận cuộc họp giao ban tháng 10/2025"),
    ("2025-10-16 14:00", "Chỉ đạo triển khai thu hoạch lúa Thu Đông năm 2025"),
    ("2025-09-19 10:00", "Thông báo kết luận cuộc họp giao ban tháng 9/2025"),
]
# The schedule of month M is posted a few days before M begins.
_SCHEDULE_POSTED = ["2025-10-28", "2025-11-27", "2025-12-26", "2026-01-28", "2026-02-26",
                    "2026-03-27", "2026-04-28", "2026-05-28", "2026-06-26", "2026-07-28",
                    "2026-08-28", "2026-09-28", "2026-10-28"]
_LAW = [
    ("2026-10-08 09:00", "Tuyên truyền Luật Đất đai năm 2024 đến người dân các ấp"),
    ("2026-08-26 14:00", "Một số điểm mới của Luật Căn cước"),
    ("2026-07-09 10:30", "Phổ biến Nghị định về xử phạt vi phạm hành chính trong lĩnh vực giao thông đường bộ"),
    ("2026-05-21 08:00", "Tuyên truyền pháp luật về phòng, chống bạo lực gia đình"),
    ("2026-03-18 15:00", "Hội nghị phổ biến, giáo dục pháp luật cho cán bộ ấp"),
    ("2026-01-22 09:45", "Tìm hiểu Luật Phòng, chống ma túy"),
    ("2025-11-01 07:15", "Tuyên truyền pháp luật về an toàn giao thông cho học sinh"),
    ("2025-10-31 23:45", "Phổ biến Luật Thanh niên cho đoàn viên, thanh niên"),
]
_FOOD = [
    ("2026-11-05 08:00", "Kế hoạch kiểm tra an toàn thực phẩm dịp Tết Nguyên đán Đinh Mùi 2027"),
    ("2026-10-15 10:00", "Khuyến cáo phòng ngừa ngộ độc thực phẩm do nấm độc"),
    ("2026-09-10 14:30", "Kiểm tra an toàn thực phẩm dịp Tết Trung thu năm 2026"),
    ("2026-08-06 09:00", "Tập huấn kiến thức an toàn thực phẩm cho hộ kinh doanh dịch vụ ăn uống"),
    ("2026-06-25 15:00", "Hưởng ứng Tháng hành động vì an toàn thực phẩm năm 2026"),
    ("2026-05-12 08:30", "Cảnh báo sử dụng phẩm màu không rõ nguồn gốc trong thực phẩm"),
    ("2026-04-09 10:00", "Hướng dẫn bảo quản thực phẩm an toàn trong mùa nắng nóng"),
    ("2026-03-05 14:00", "Ký cam kết bảo đảm an toàn thực phẩm với các cơ sở kinh doanh"),
    ("2026-02-03 09:15", "Kiểm tra an toàn thực phẩm dịp Tết Nguyên đán Bính Ngọ 2026"),
    ("2026-01-08 16:00", "Tuyên truyền an toàn thực phẩm tại chợ xã"),
    ("2025-12-04 10:00", "Phòng ngừa ngộ độc rượu có chứa methanol"),
    ("2025-10-22 09:00", "Kết quả kiểm tra an toàn thực phẩm dịp Tết Trung thu năm 2025"),
    ("2025-09-17 14:00", "Hướng dẫn lựa chọn thực phẩm an toàn cho bữa ăn gia đình"),
]
_BUDGET = [
    ("2026-07-15 10:00", "Công khai tình hình thực hiện dự toán ngân sách xã 6 tháng đầu năm 2026"),
    ("2026-03-20 14:00", "Công khai quyết toán ngân sách xã năm 2025"),
    ("2026-01-10 09:00", "Công khai dự toán ngân sách xã năm 2026"),
    ("2025-01-09 09:00", "Công khai dự toán ngân sách xã năm 2025"),
]
_CITIZENS = [
    ("2026-09-30 16:00", "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND xã quý IV/2026"),
    ("2026-06-30 16:00", "Thông báo lịch tiếp công dân định kỳ quý III/2026"),
    ("2026-04-10 10:00", "Thông báo kết quả giải quyết đơn khiếu nại của công dân ấp Mỹ Lợi"),
    ("2025-09-30 16:00", "Thông báo lịch tiếp công dân định kỳ quý IV/2025"),
    ("2025-06-30 16:00", "Thông báo lịch tiếp công dân định kỳ quý III/2025"),
]
_QA = [
    ("2026-10-05 09:00", "Hỏi: Thủ tục đăng ký khai sinh cho con cần những giấy tờ gì?"),
    ("2026-08-14 10:00", "Hỏi: Làm thế nào để nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia?"),
    ("2026-05-27 15:00", "Hỏi: Hộ gia đình được hỗ trợ bao nhiêu khi xây nhà tiêu hợp vệ sinh?"),
    ("2026-02-12 08:30", "Hỏi: Điều kiện để được công nhận hộ cận nghèo là gì?"),
    ("2025-10-08 09:00", "Hỏi: Cấp lại thẻ bảo hiểm y tế bị mất mất bao lâu?"),
    ("2025-07-02 14:00", "Hỏi: Chứng thực bản sao từ bản chính ở đâu?"),
]
_FARM = [
    ("2026-09-22 08:00", "Hội thảo đầu bờ mô hình canh tác lúa giảm phát thải"),
    ("2026-06-04 14:00", "Xây dựng xã nông thôn mới nâng cao: những kết quả bước đầu"),
    ("2026-03-31 09:30", "Khuyến cáo lịch xuống giống vụ Hè Thu năm 2026"),
    ("2025-08-20 10:00", "Tập huấn kỹ thuật chăn nuôi bò vỗ béo cho hội viên nông dân"),
]

HAMLETS = ["Mỹ Phú", "Mỹ An", "Mỹ Lợi", "Mỹ Thới", "Hòa Hưng"]
OFFICIALS = ["Chủ tịch UBND xã Trần Văn Lộc", "Phó Chủ tịch UBND xã Nguyễn Thị Thu Hà",
             "Bí thư Đảng ủy xã Lê Minh Tâm", "Chủ tịch Ủy ban MTTQ Việt Nam xã Phạm Văn Bình"]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _body(kind: str, title: str, when: datetime, rng: random.Random) -> str:
    """A few paragraphs of the post; most mention other dates than the post's own."""
    hamlet = rng.choice(HAMLETS)
    official = rng.choice(OFFICIALS)
    before = (when - timedelta(days=rng.randint(1, 4))).date()
    earlier = (when - timedelta(days=rng.randint(20, 90))).date()
    number = rng.randint(12, 240)
    paragraphs: list[str]
    if kind == "schedule":
        month = (when + timedelta(days=7)).date().replace(day=1)
        days = [month + timedelta(days=d) for d in (1, 6, 13, 20, 27)]
        rows = "".join(
            f"<li><strong>{WEEKDAYS[d.weekday()]}, {_day(d)}</strong>: "
            f"{rng.choice(['Họp giao ban Thường trực UBND xã', 'Tiếp công dân định kỳ', 'Làm việc với ấp ' + rng.choice(HAMLETS), 'Kiểm tra tiến độ công trình giao thông nông thôn', 'Dự họp trực tuyến với UBND tỉnh'])}"
            f" (07 giờ 30, hội trường UBND xã)</li>" for d in days)
        paragraphs = [
            f"Văn phòng HĐND và UBND xã thông báo lịch công tác tháng {month.month}/{month.year} "
            f"của Thường trực UBND xã như sau:",
            f"<ul>{rows}</ul>",
            "Lịch công tác có thể thay đổi; Văn phòng sẽ thông báo kịp thời đến các cơ quan, "
            "đơn vị và các ấp.",
        ]
    elif kind == "qa":
        paragraphs = [
            f"Ông (bà) N.V.{rng.choice('ABCDHKLMT')} ở ấp {hamlet} gửi câu hỏi ngày "
            f"{_day(before)}: {title.removeprefix('Hỏi: ')}",
            f"<strong>Trả lời:</strong> Ngày {_day(when.date())}, công chức Văn phòng - Thống kê xã "
            "trả lời như sau: căn cứ quy định hiện hành, người dân chuẩn bị đầy đủ giấy tờ theo "
            "hướng dẫn và nộp tại Bộ phận Một cửa của UBND xã hoặc nộp trực tuyến.",
            "Mọi thắc mắc xin liên hệ Bộ phận Một cửa trong giờ hành chính để được hướng dẫn.",
        ]
    elif kind == "direction":
        paragraphs = [
            f"Căn cứ Kế hoạch số {number}/KH-UBND ngày {_day(earlier)} của UBND xã, "
            f"ngày {_day(before)} {official} đã chủ trì cuộc họp và kết luận các nội dung sau.",
            f"Yêu cầu các ban, ngành, đoàn thể và Trưởng các ấp, nhất là ấp {hamlet}, khẩn trương "
            "triển khai thực hiện, báo cáo kết quả về Văn phòng UBND xã trước ngày "
            f"{_day((when + timedelta(days=rng.randint(10, 25))).date())}.",
            "Giao Văn phòng HĐND và UBND xã theo dõi, đôn đốc và tổng hợp tình hình thực hiện.",
        ]
    elif kind == "budget":
        paragraphs = [
            f"Thực hiện Thông tư số 343/2016/TT-BTC ngày 30/12/2016 của Bộ Tài chính, UBND xã "
            f"công khai số liệu ngân sách theo Quyết định số {number}/QĐ-UBND ngày {_day(before)}.",
            f"Tổng thu ngân sách trên địa bàn: {rng.randint(8, 19)}.{rng.randint(100, 999)} triệu "
            f"đồng; tổng chi ngân sách xã: {rng.randint(7, 18)}.{rng.randint(100, 999)} triệu đồng.",
            "Chi tiết xem biểu mẫu kèm theo. Ý kiến góp ý gửi về Bộ phận Tài chính - Kế toán xã.",
        ]
    else:
        paragraphs = [
            f"Ngày {_day(before)}, UBND xã Mỹ Hòa Hưng phối hợp với Ủy ban MTTQ Việt Nam xã và "
            f"các đoàn thể tổ chức hoạt động tại ấp {hamlet}, thu hút khoảng {number} người tham dự.",
            f"Phát biểu tại buổi lễ, {official} ghi nhận những kết quả đạt được từ đầu năm và "
            f"đề nghị các ấp tiếp tục thực hiện tốt Kế hoạch ban hành ngày {_day(earlier)}.",
            f"Dịp này, {rng.randint(3, 15)} tập thể và cá nhân có thành tích tiêu biểu được "
            "UBND xã tặng giấy khen.",
        ]
        if rng.random() < 0.5:
            paragraphs.append("Hoạt động góp phần nâng cao nhận thức và trách nhiệm của người dân "
                              "trong xây dựng quê hương ngày càng giàu đẹp, văn minh.")
    return "\n\n".join(p if p.startswith("<ul>") else f"<p>{p}</p>" for p in paragraphs)


def _post(when: str, title: str, categories: list[str], kind: str, rng: random.Random,
          sticky: bool = False) -> dict:
    moment = datetime.strptime(when, "%Y-%m-%d %H:%M")
    return {"date": moment.strftime("%Y-%m-%d %H:%M:00"), "title": title,
            "categories": categories, "sticky": sticky,
            "content": _body(kind, title, moment, rng)}


def posts() -> list[dict]:
    """Every post, oldest first (the order they are inserted in, hence their ids)."""
    rng = random.Random(SEED)
    rows = [_post(w, t, ["tin-tuc-su-kien"], "news", rng) for w, t in _NEWS]
    rows.append(_post(*_STICKY, ["tin-tuc-su-kien"], "news", rng, sticky=True))
    rows += [_post(w, t, cats, "news", rng) for w, t, cats in _SHARED]
    rows += [_post(w, t, ["chi-dao-dieu-hanh"], "direction", rng) for w, t in _DIRECTION]
    for posted in _SCHEDULE_POSTED:
        day = date.fromisoformat(posted)
        month = (day + timedelta(days=7)).replace(day=1)
        rows.append(_post(f"{posted} 16:30", f"Lịch công tác tháng {month.month}/{month.year} "
                          "của Thường trực UBND xã", ["lich-cong-tac"], "schedule", rng))
    rows += [_post(w, t, ["tuyen-truyen-phap-luat"], "news", rng) for w, t in _LAW]
    rows += [_post(w, t, ["an-toan-thuc-pham"], "news", rng) for w, t in _FOOD]
    rows += [_post(w, t, ["cong-khai-ngan-sach"], "budget", rng) for w, t in _BUDGET]
    rows += [_post(w, t, ["tiep-cong-dan"], "direction", rng) for w, t in _CITIZENS]
    rows += [_post(w, t, ["hoi-dap"], "qa", rng) for w, t in _QA]
    rows += [_post(w, t, ["nong-nghiep-nong-thon-moi"], "news", rng) for w, t in _FARM]
    rows.sort(key=lambda p: p["date"])
    return rows


PAGES = [
    {"slug": "gioi-thieu", "title": "Giới thiệu", "date": "2025-03-01 08:00:00", "content": (
        "<h2>Lịch sử hình thành và truyền thống</h2><p>Xã Mỹ Hòa Hưng được thành lập năm 1955, "
        "có truyền thống cách mạng và là quê hương của Chủ tịch Tôn Đức Thắng.</p>"
        "<h2>Điều kiện tự nhiên</h2><p>Vị trí địa lý: xã cù lao nằm giữa sông Hậu; diện tích tự "
        "nhiên 20,5 km², gồm 5 ấp: Mỹ Phú, Mỹ An, Mỹ Lợi, Mỹ Thới, Hòa Hưng.</p>"
        "<h2>Bản đồ hành chính</h2><p>Bản đồ hành chính xã (tỷ lệ 1:10.000) đặt tại trụ sở "
        "UBND xã.</p>")},
    {"slug": "lien-he", "title": "Liên hệ", "date": "2025-03-01 08:05:00", "content": (
        "<p><strong>UBND xã Mỹ Hòa Hưng</strong></p><p>Địa chỉ: ấp Mỹ Thới, xã Mỹ Hòa Hưng, "
        "tỉnh An Giang</p><p>Điện thoại: 0296 3831 234 – Fax: 0296 3831 235</p>"
        "<p>Thư điện tử: myhoahung@example.invalid</p>")},
]

# The primary menu, in order: ("home"|"page"|"category"|"custom", target, label, parent label).
MENU = [
    ("home", None, "Trang chủ", None),
    ("page", "gioi-thieu", "Giới thiệu", None),
    ("category", "tin-tuc-su-kien", None, None),
    ("custom", "#", "Chính quyền", None),
    *[("category", c["slug"], None, "Chính quyền") for c in CATEGORIES
      if c["menu_parent"] == "Chính quyền"],
    ("custom", "#", "Tuyên truyền", None),
    *[("category", c["slug"], None, "Tuyên truyền") for c in CATEGORIES
      if c["menu_parent"] == "Tuyên truyền"],
    ("category", "hoi-dap", None, None),
    ("page", "lien-he", "Liên hệ", None),
]


def plan(home: str, socket: str) -> dict:
    """What setup.php inserts (JSON)."""
    return {"home": home, "socket": socket, "site": SITE, "timezone": TIMEZONE,
            "permalink_structure": PERMALINK, "category_base": CATEGORY_BASE,
            "posts_per_page": POSTS_PER_PAGE, "as_of": AS_OF.isoformat(),
            "window": {"start": WINDOW_START.isoformat(), "end": AS_OF.isoformat()},
            "categories": CATEGORIES, "empty_category": EMPTY_CATEGORY, "posts": posts(),
            "pages": PAGES, "menu": [{"kind": k, "target": t, "label": l, "parent": p}
                                     for k, t, l, p in MENU]}
