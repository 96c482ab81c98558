"""A small hand-built agency for platform tests: every layout, placement and feature once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from inspector.sandbox.model import (Agency, Person, Post, Procedure, Project, Province,
                                     Section)

AS_OF = date(2026, 11, 20)


def _posts(start_id: int, n: int, title: str, topic: str | None, *, step_days: int = 9,
           layout: str = "news") -> list[Post]:
    posts = []
    newest = datetime(2026, 11, 18, 22, 36)
    for i in range(n):
        day = newest - timedelta(days=i * step_days, hours=i * 7)
        extra = {}
        if layout == "documents":
            extra = {"number": f"{100 + i}/QĐ-UBND", "issuer": "UBND tỉnh", "doc_type": "Quyết định",
                     "field": "Thông tin và Truyền thông", "effective": (day + timedelta(days=10)).date(),
                     "file": f"qd-{100 + i}.pdf"}
        elif layout == "qa":
            extra = {"asker": f"Nguyễn Văn {chr(65 + i % 26)}", "answered": i % 3 != 0,
                     "answer": "Sở đã tiếp nhận và trả lời như sau.", "answered_on": (day + timedelta(days=3)).date()}
        posts.append(Post(id=start_id + i, slug=f"bai-{start_id + i}", title=f"{title} số {i + 1}",
                          published=day, lead=f"{title} số {i + 1}. Thông tin chi tiết trong bài.",
                          body=["Đoạn thứ nhất của bài viết.", "Đoạn thứ hai của bài viết."],
                          topic=topic, image=i % 2 == 0, extra=extra))
    return posts


def make_agency(platform: str, *, all_features: bool = True) -> Agency:
    sections = [
        Section("tin-tuc-su-kien", "Tin tức - Sự kiện", ["tin-tuc-su-kien"],
                _posts(1, 23, "Hội nghị triển khai nhiệm vụ", None), general=True, placement="menu"),
        Section("chi-dao-dieu-hanh", "Chỉ đạo - Điều hành", ["chi-dao-dieu-hanh"],
                _posts(100, 12, "Thông báo kết luận của Giám đốc", "chi-dao-dieu-hanh", step_days=30),
                placement="submenu", listing_dates=False),
        Section("tuyen-truyen-pbgdpl", "Tuyên truyền PBGDPL", ["pbgdpl"],
                _posts(200, 4, "Phổ biến Luật An ninh mạng", "pbgdpl", step_days=60),
                placement="sidebar_image"),
        Section("chien-luoc-quy-hoach", "Quy hoạch - kế hoạch", ["chien-luoc-quy-hoach"],
                _posts(300, 2, "Quy hoạch phát triển hạ tầng", "chien-luoc-quy-hoach", step_days=120),
                placement="sitemap_only"),
        Section("van-ban", "Văn bản quy phạm pháp luật", ["van-ban-qppl"],
                _posts(400, 14, "Quyết định ban hành quy chế", "van-ban-qppl", step_days=20,
                       layout="documents"), placement="footer", layout="documents"),
        Section("hoi-dap", "Hỏi đáp", ["hoi-dap"],
                _posts(500, 7, "Hỏi về thủ tục cấp phép", "hoi-dap", step_days=25, layout="qa"),
                placement="menu", layout="qa", page_size=5),
        Section("khen-thuong", "Thi đua - Khen thưởng", ["khen-thuong-xu-phat"], [],
                placement="menu"),
    ]
    features = {name: all_features for name in (
        "font_size", "text_to_speech", "contrast", "access_keys", "alt_text",
        "help_text_alternatives", "multimedia", "mobile", "legal_download", "legal_by_field",
        "legal_by_date", "legal_by_issuer", "legal_by_type", "legal_db_link", "document_search",
        "feedback_form", "administrative_feedback", "hotline", "tthc_announcement_download",
        "tthc_by_field", "tthc_feedback", "project_classification", "rss")}
    leaders = [Person("Nguyễn Văn An", "Giám đốc", "0296 3852 001", "nvan@example.gov.vn",
                      "Phụ trách chung"),
               Person("Trần Thị Bình", "Phó Giám đốc", "0296 3852 002", "ttbinh@example.gov.vn",
                      "Phụ trách lĩnh vực bưu chính")]
    return Agency(
        id="so-thu", name="Sở Thông tin và Truyền thông", level="province", parent=None,
        platform=platform, profile="exemplary", site="sotttt", tthc_total=40,
        sections=sections,
        fields={"gioi-thieu": ["co_cau_to_chuc", "chuc_nang_nhiem_vu", "lich_su"],
                "lanh-dao": ["ho_ten", "chuc_vu", "dien_thoai", "email"],
                "lien-he": ["dia_chi", "dien_thoai", "email"],
                "can-bo": ["ho_ten", "chuc_vu", "don_vi", "dien_thoai", "email"],
                "thu-tuc": ["trinh_tu", "thanh_phan_ho_so", "thoi_han", "phi_le_phi"],
                "gop-y": ["toan_van", "thoi_han", "gui_gop_y"],
                "van-ban": ["so_ky_hieu", "ngay_ban_hanh", "trich_yeu", "co_quan_ban_hanh", "file"]},
        features=features, leaders=leaders,
        directory=[Person("Lê Văn Cường", "Chuyên viên", "0296 3852 010", "lvcuong@example.gov.vn",
                          "", unit="Văn phòng Sở")],
        contact={"address": "Số 1 Lê Lợi, phường Mỹ Bình", "phone": "0296 3852 000",
                 "fax": "0296 3852 999", "email": "stttt@example.gov.vn", "hotline": "0296 1022"},
        intro={"co_cau_to_chuc": "Sở gồm Văn phòng, Thanh tra và 4 phòng chuyên môn.",
               "chuc_nang_nhiem_vu": "Sở tham mưu cho Ủy ban nhân dân tỉnh quản lý nhà nước.",
               "lich_su": "Sở được thành lập năm 2004."},
        procedures=[Procedure("1.004194", "Cấp giấy phép xuất bản bản tin", "Xuất bản", 3, "province",
                              details=["trinh_tu", "thanh_phan_ho_so", "thoi_han", "phi_le_phi"]),
                    Procedure("1.003652", "Cấp giấy phép hoạt động in", "In", 4, "province",
                              details=["trinh_tu", "thoi_han"])],
        projects=[Project("Xây dựng trung tâm dữ liệu tỉnh",
                          {"ten": "Xây dựng trung tâm dữ liệu tỉnh", "muc_tieu": "Tập trung hạ tầng",
                           "kinh_phi": "45 tỷ đồng", "tinh_trang": "Đang triển khai"},
                          date(2026, 6, 1), "đang triển khai")],
        base_url="http://127.0.0.1:8101/")


def make_province(platform: str, **kwargs) -> Province:
    agency = make_agency(platform, **kwargs)
    return Province(name="Tỉnh Thử Nghiệm", seed=0, as_of=AS_OF, tthc_total=1850,
                    agencies=[agency], catalogue=list(agency.procedures))
