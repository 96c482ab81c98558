"""Words of the simulated province: agency and people names, section names as real portals
write them, post title templates per topic, and neutral filler text."""

from __future__ import annotations

# Section names per topic, in the many forms real portals use. Each must match the topic's
# section keywords (checklists/topics.yaml); tests/sandbox check it.
SECTION_NAMES = {
    "chi-dao-dieu-hanh": ["Chỉ đạo - Điều hành", "Thông tin chỉ đạo điều hành", "Văn bản chỉ đạo",
                          "CĐĐH"],
    "phan-hoi-kien-nghi": ["Trả lời kiến nghị", "Kết quả xử lý phản ánh kiến nghị",
                           "Trả lời phản ánh"],
    "khen-thuong-xu-phat": ["Thi đua - Khen thưởng", "Khen thưởng - Xử phạt",
                            "Xử phạt vi phạm hành chính"],
    "lich-cong-tac": ["Lịch công tác", "Lịch làm việc của lãnh đạo", "Lịch công tác tuần"],
    "pbgdpl": ["Tuyên truyền PBGDPL", "Phổ biến, giáo dục pháp luật", "Phổ biến pháp luật"],
    "chinh-sach-linh-vuc": ["Chính sách mới", "Chế độ chính sách"],
    "chinh-sach-lao-dong": ["Lao động - Việc làm", "Chính sách lao động"],
    "chinh-sach-nguoi-co-cong": ["Người có công", "Chính sách người có công"],
    "chinh-sach-xa-hoi": ["Bảo trợ xã hội", "An sinh xã hội"],
    "chien-luoc-quy-hoach": ["Chiến lược - Quy hoạch", "Quy hoạch - kế hoạch",
                             "Định hướng phát triển"],
    "uu-dai-dau-tu": ["Thu hút đầu tư", "Mời gọi đầu tư", "Xúc tiến đầu tư"],
    "quy-hoach-xay-dung-dat": ["Quy hoạch xây dựng", "Quy hoạch sử dụng đất",
                               "Quy hoạch đô thị"],
    "tai-nguyen-thien-nhien": ["Tài nguyên khoáng sản", "Tài nguyên nước"],
    "chat-thai": ["Quản lý chất thải", "Xử lý rác thải"],
    "ve-sinh-moi-truong": ["Môi trường", "Bảo vệ môi trường", "Vệ sinh môi trường"],
    "an-toan-thuc-pham": ["An toàn thực phẩm", "Vệ sinh an toàn thực phẩm", "ATTP"],
    "san-xuat-kinh-doanh": ["Nông nghiệp", "Sản xuất kinh doanh", "Khuyến nông"],
    "van-ban-qppl": ["Văn bản quy phạm pháp luật", "Văn bản QPPL", "Hệ thống văn bản"],
    "du-an-dau-tu": ["Dự án đầu tư", "Danh mục dự án", "Đấu thầu - Mua sắm công"],
    "lay-y-kien": ["Lấy ý kiến dự thảo văn bản", "Góp ý dự thảo"],
    "nckh": ["Khoa học công nghệ", "Đề tài nghiên cứu khoa học"],
    "bao-cao-ktxh": ["Thống kê - Báo cáo", "Báo cáo thống kê", "Số liệu thống kê"],
    "bao-cao-attp-moi-truong": ["Thống kê - Báo cáo", "Báo cáo"],
    "bao-cao-dat-dai-dan-so": ["Báo cáo thống kê", "Báo cáo"],
    "hoi-dap": ["Hỏi đáp", "Hỏi - Đáp", "Hỏi đáp trực tuyến"],
    "tin-tuc-su-kien": ["Tin tức sự kiện", "Tin hoạt động"],
    "tin-dia-phuong": ["Tin địa phương", "Hoạt động địa phương"],
    "chinh-tri-xa-hoi": ["Thông tin tuyên truyền", "Văn hóa - Xã hội", "Quốc phòng - An ninh"],
    "ngan-sach": ["Công khai ngân sách", "Công khai tài chính"],
    "ho-ngheo": ["Danh sách hộ nghèo", "Giảm nghèo"],
    "khieu-nai-to-cao": ["Tiếp công dân", "Giải quyết khiếu nại tố cáo", "Thông báo"],
    "thua-phat-lai": ["Thừa phát lại"],
    "su-co-khan-cap": ["Phòng chống thiên tai", "Tình huống khẩn cấp"],
    "canh-bao-y-te": ["Y tế - Sức khỏe", "Phòng chống dịch bệnh"],
    "guong-dien-hinh": ["Gương điển hình", "Người tốt việc tốt"],
    "san-pham-hang-hoa": ["Sản phẩm OCOP", "Sản phẩm địa phương"],
}
# The general news section: holds filler and the posts of topics without a section of their own.
GENERAL_SECTION_NAMES = ["Tin tức - Sự kiện", "Tin tức", "Tin hoạt động"]

# Title templates per topic. {x} a subject, {y} a year, {m} a month, {q} a quarter in Roman,
# {n} a number. Every template holds one of the topic's keywords.
TITLES = {
    "chi-dao-dieu-hanh": ["Thông báo kết luận của Chủ tịch tại buổi làm việc về {x}",
                          "Công điện về việc {x}", "Chỉ thị về tăng cường {x}"],
    "phan-hoi-kien-nghi": ["Trả lời kiến nghị của cử tri về {x}",
                           "Kết quả xử lý phản ánh của người dân về {x}"],
    "khen-thuong-xu-phat": ["Quyết định khen thưởng tập thể có thành tích trong {x}",
                            "Quyết định xử phạt vi phạm hành chính về {x}",
                            "Trao bằng khen cho các đơn vị tiêu biểu trong {x}"],
    "lich-cong-tac": ["Lịch công tác tuần {n} của lãnh đạo", "Lịch làm việc tháng {m}/{y}"],
    "pbgdpl": ["Phổ biến Luật {law}", "Tuyên truyền pháp luật về {x}",
               "Hướng dẫn thực hiện Nghị định số {n}/{y}/NĐ-CP"],
    "chinh-sach-linh-vuc": ["Chính sách mới có hiệu lực từ tháng {m}/{y}",
                            "Chế độ hỗ trợ đối với {x}"],
    "chinh-sach-lao-dong": ["Hỗ trợ người lao động tìm việc làm trong {x}",
                            "Điều chỉnh mức tiền lương tối thiểu vùng năm {y}",
                            "Bảo hiểm thất nghiệp: những điều cần biết"],
    "chinh-sach-nguoi-co-cong": ["Thăm hỏi gia đình thương binh, liệt sĩ nhân ngày 27/7",
                                 "Chính sách ưu đãi người có công với cách mạng năm {y}"],
    "chinh-sach-xa-hoi": ["Chi trả trợ cấp bảo trợ xã hội tháng {m}/{y}",
                          "Chương trình giảm nghèo bền vững giai đoạn 2021-2025"],
    "chien-luoc-quy-hoach": ["Quy hoạch phát triển {x} thời kỳ 2021-2030",
                             "Kế hoạch phát triển kinh tế - xã hội 5 năm",
                             "Chiến lược chuyển đổi số đến năm 2030"],
    "uu-dai-dau-tu": ["Chính sách ưu đãi đầu tư vào {x}", "Danh mục mời gọi đầu tư năm {y}",
                      "Hội nghị xúc tiến đầu tư năm {y}"],
    "quy-hoach-xay-dung-dat": ["Công bố quy hoạch chi tiết {x}", "Kế hoạch sử dụng đất năm {y}",
                               "Điều chỉnh quy hoạch xây dựng {x}"],
    "tai-nguyen-thien-nhien": ["Đấu giá quyền khai thác khoáng sản tại {x}",
                               "Bảo vệ tài nguyên nước lưu vực {x}"],
    "chat-thai": ["Kế hoạch thu gom, xử lý rác thải sinh hoạt năm {y}",
                  "Tái chế chất thải rắn tại {x}"],
    "ve-sinh-moi-truong": ["Ra quân vệ sinh môi trường tại {x}", "Xử lý ô nhiễm tại {x}"],
    "an-toan-thuc-pham": ["Kiểm tra an toàn thực phẩm tại {x}",
                          "Phòng chống ngộ độc thực phẩm mùa nắng nóng"],
    "san-xuat-kinh-doanh": ["Xuống giống vụ lúa Đông Xuân tại {x}",
                            "Hỗ trợ chăn nuôi an toàn sinh học", "Thu hoạch lúa Hè Thu tại {x}"],
    "van-ban-qppl": ["Quyết định ban hành Quy chế {x}", "Nghị quyết về {x}",
                     "Quyết định sửa đổi quy định về {x}"],
    "lay-y-kien": ["Lấy ý kiến dự thảo Quyết định về {x}", "Góp ý dự thảo Nghị quyết về {x}"],
    "ngan-sach": ["Công khai dự toán ngân sách năm {y}", "Công khai quyết toán ngân sách năm {y}"],
    "ho-ngheo": ["Danh sách hộ nghèo, hộ cận nghèo năm {y}"],
    "khieu-nai-to-cao": ["Thông báo lịch tiếp công dân tháng {m}/{y}",
                         "Kết quả giải quyết khiếu nại của công dân về {x}"],
    "thua-phat-lai": ["Hoạt động thừa phát lại trên địa bàn năm {y}"],
    "su-co-khan-cap": ["Cảnh báo mưa lớn, sạt lở đất tại {x}", "Chủ động ứng phó bão số {n}"],
    "canh-bao-y-te": ["Phòng chống dịch bệnh sốt xuất huyết tại {x}",
                      "Tiêm chủng mở rộng đợt {n} năm {y}"],
    "guong-dien-hinh": ["Gương người tốt việc tốt tại {x}", "Điển hình tiên tiến trong {x}"],
    "san-pham-hang-hoa": ["Sản phẩm OCOP của {x} đạt 4 sao", "Giới thiệu đặc sản {x}"],
}
# Report titles (topics with quarterly and yearly reports).
REPORT_TITLES = {
    "bao-cao-ktxh": ("Báo cáo tình hình kinh tế - xã hội {period} năm {y}",
                     "Báo cáo tình hình kinh tế - xã hội năm {y}"),
    "bao-cao-attp-moi-truong": ("Báo cáo an toàn thực phẩm {period} năm {y}",
                                "Báo cáo công tác bảo vệ môi trường năm {y}"),
    "bao-cao-dat-dai-dan-so": ("Báo cáo dân số {period} năm {y}",
                               "Báo cáo thống kê đất đai năm {y}"),
}
QUARTER_NAMES = {3: "quý I", 6: "quý II", 9: "quý III", 12: "quý IV"}
# Project and research posts whose titles carry the stage the criteria look for.
PROJECT_TITLES = ["Danh mục dự án đang triển khai năm {y}", "Dự án {x} hoàn thành, đưa vào sử dụng",
                  "Dự án {x} chuẩn bị đầu tư", "Kêu gọi đầu tư dự án {x}"]
RESEARCH_TITLES = ["Danh mục đề tài nghiên cứu khoa học năm {y}",
                   "Nghiệm thu đề tài khoa học về {x}", "Kết quả ứng dụng đề tài về {x}"]
QA_TITLES = ["Hỏi về thủ tục {x}", "Xin hỏi về thời hạn giải quyết hồ sơ {x}",
             "Hỏi về lệ phí {x}", "Đề nghị hướng dẫn {x}"]

SUBJECTS = ["khu dân cư Bình Minh", "cụm công nghiệp Phú Hòa", "tuyến đường tỉnh 941",
            "chợ Long Điền", "khu du lịch núi Sập", "kênh Vĩnh Tế", "bến phà Năng Gù",
            "trường tiểu học Hòa An", "bệnh viện đa khoa khu vực", "trung tâm hành chính công",
            "xã Tân Hòa", "thị trấn Phú Mỹ", "vùng trồng lúa Thoại Sơn", "cầu Ông Chưởng"]
LAWS = ["An ninh mạng", "Giao dịch điện tử", "Phòng, chống ma túy", "Đất đai năm 2024",
        "Căn cước", "Tiếp cận thông tin", "Hòa giải ở cơ sở"]

# News with no topic keyword, the filler of general sections.
FILLER_TITLES = ["Hội nghị sơ kết công tác {n} tháng", "Đoàn công tác làm việc tại {x}",
                 "Tập huấn ứng dụng công nghệ thông tin cho cán bộ", "Khai mạc hội thao truyền thống",
                 "Tiếp đoàn công tác của tỉnh bạn", "Ký kết chương trình phối hợp với {x}",
                 "Gặp mặt đầu xuân", "Trao tặng máy tính cho {x}", "Hội nghị cán bộ, công chức",
                 "Tổng kết phong trào thi đua chuyển đổi số"]
NEUTRAL_SENTENCES = ["Thông tin chi tiết xem trong bài.", "Mời bạn đọc theo dõi nội dung dưới đây.",
                     "Buổi làm việc diễn ra trong không khí cởi mở.",
                     "Các đại biểu đã trao đổi nhiều ý kiến thiết thực."]

DEPARTMENTS = [("so-tttt", "Sở Thông tin và Truyền thông", "sotttt"),
               ("so-tu-phap", "Sở Tư pháp", "sotp"),
               ("so-y-te", "Sở Y tế", "soyte"),
               ("so-nong-nghiep", "Sở Nông nghiệp và Môi trường", "sonnmt"),
               ("so-tai-chinh", "Sở Tài chính", "sotc"),
               ("so-xay-dung", "Sở Xây dựng", "soxd"),
               ("so-noi-vu", "Sở Nội vụ", "sonv"),
               ("so-gd-dt", "Sở Giáo dục và Đào tạo", "sogddt")]
DISTRICTS = [("huyen-an-phu", "UBND huyện An Phú", "anphu"),
             ("huyen-cho-moi", "UBND huyện Chợ Mới", "chomoi"),
             ("huyen-thoai-son", "UBND huyện Thoại Sơn", "thoaison"),
             ("huyen-tri-ton", "UBND huyện Tri Tôn", "triton"),
             ("huyen-phu-tan", "UBND huyện Phú Tân", "phutan"),
             ("huyen-tinh-bien", "UBND huyện Tịnh Biên", "tinhbien")]
COMMUNES = [("xa-kien-an", "UBND xã Kiến An", "kienan"), ("xa-vinh-hoa", "UBND xã Vĩnh Hòa", "vinhhoa"),
            ("xa-phu-thuan", "UBND xã Phú Thuận", "phuthuan"), ("xa-tan-tuyen", "UBND xã Tân Tuyến", "tantuyen"),
            ("xa-hoa-lac", "UBND xã Hòa Lạc", "hoalac"), ("xa-an-cu", "UBND xã An Cư", "ancu"),
            ("xa-my-duc", "UBND xã Mỹ Đức", "myduc"), ("xa-binh-thanh", "UBND xã Bình Thạnh", "binhthanh")]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hòa", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Phúc", "Quang", "Tâm", "Thảo", "Trung", "Vy"]

# Procedure names of the simulated catalogue by field (lĩnh vực).
PROCEDURES = {
    "province": [("Xuất bản", ["Cấp giấy phép xuất bản bản tin", "Cấp giấy phép xuất bản tài liệu không kinh doanh",
                              "Cấp giấy phép hoạt động in", "Đăng ký hoạt động cơ sở in"]),
                 ("Tư pháp", ["Cấp phiếu lý lịch tư pháp", "Đăng ký hành nghề công chứng",
                              "Cấp thẻ công chứng viên", "Đăng ký hoạt động văn phòng công chứng"]),
                 ("Y tế", ["Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
                           "Cấp giấy phép hoạt động phòng khám", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược",
                           "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"]),
                 ("Xây dựng", ["Cấp giấy phép xây dựng công trình", "Cấp chứng chỉ hành nghề hoạt động xây dựng",
                               "Thẩm định thiết kế xây dựng", "Cấp giấy phép di dời công trình"]),
                 ("Nông nghiệp", ["Cấp giấy phép khai thác thủy sản", "Cấp giấy phép xả thải vào công trình thủy lợi",
                                  "Cấp giấy chứng nhận kiểm dịch động vật", "Cấp giấy phép khai thác nước mặt"]),
                 ("Tài chính", ["Đăng ký mã số đơn vị có quan hệ với ngân sách",
                                "Cấp giấy chứng nhận đăng ký doanh nghiệp", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
                                "Thông báo tạm ngừng kinh doanh"]),
                 ("Nội vụ", ["Thành lập hội cấp tỉnh", "Phê duyệt điều lệ hội", "Cấp giấy phép hoạt động tôn giáo",
                             "Xét tặng danh hiệu thi đua"])],
    "district": [("Hộ tịch", ["Đăng ký kết hôn có yếu tố nước ngoài", "Thay đổi, cải chính hộ tịch"]),
                 ("Kinh doanh", ["Đăng ký hộ kinh doanh", "Cấp giấy phép bán lẻ rượu"]),
                 ("Đất đai", ["Đăng ký biến động đất đai", "Cấp giấy chứng nhận quyền sử dụng đất"])],
    "commune": [("Hộ tịch", ["Đăng ký khai sinh", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch",
                             "Đăng ký kết hôn"]),
                ("Chứng thực", ["Chứng thực bản sao từ bản chính", "Chứng thực chữ ký"])],
}

# How agencies word a declared service around the procedure's name in their reports (Bảng 2/3):
# the level after it, by the service's declared level ("toàn trình"/"một phần" since NĐ 42/2022).
SERVICE_LEVEL_SUFFIXES = {4: [" - mức độ 4", " (mức độ 4)", " - Mức 4", " (toàn trình)",
                              " - DVC trực tuyến toàn trình"],
                          3: [" - mức độ 3", " (mức độ 3)", " (một phần)"]}
# Procedures agencies declare that the approved catalogue does not hold, each close to one it does
# (real TTHC names): (name, lĩnh vực). A correct check recognises none of them.
UNLISTED_PROCEDURES = {
    "province": [("Cấp lại giấy phép hoạt động in", "Xuất bản"),
                 ("Cấp giấy phép khai thác khoáng sản", "Nông nghiệp"),
                 ("Gia hạn giấy phép khai thác nước mặt", "Nông nghiệp")],
    "district": [("Cấp lại giấy chứng nhận quyền sử dụng đất", "Đất đai"),
                 ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Kinh doanh")],
    "commune": [("Đăng ký khai sinh lưu động", "Hộ tịch"), ("Đăng ký lại khai tử", "Hộ tịch"),
                ("Chứng thực chữ ký người dịch", "Chứng thực")],
}
