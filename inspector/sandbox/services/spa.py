"""A single-page DVCTT portal: vanilla JS over a JSON API, single sign-on with a six-box OTP."""

from __future__ import annotations

import html
import json

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from ..model import Province, Service
from .behaviour import (LEVEL_TEXT, UploadRequest, Fault, MailError, PortalCore, Session,
                        check_upload)
from .clock import SandboxClock

COOKIE = "sso_phien"
SENDER = "otp@dinhdanh.sandbox.invalid"
REGISTER_SUBJECT = "Xác thực đăng ký tài khoản định danh"
LOGIN_SUBJECT = "Mã OTP đăng nhập tài khoản định danh"
RESULT_OPTIONS = ("Nhận kết quả trực tuyến", "Nhận trực tiếp tại Trung tâm Phục vụ hành chính công",
                  "Nhận qua dịch vụ bưu chính công ích")

SHELL = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dịch vụ công trực tuyến – {province}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="#/">Hệ thống giải quyết thủ tục hành chính
{province}</a><nav id="menu" aria-label="Menu chính"><a href="#/">Trang chủ</a>
<a href="#/tim-thu-tuc">Tìm thủ tục</a><a href="#/theo-doi">Theo dõi hồ sơ</a>
<span id="tai-khoan"></span></nav></header>
<main id="app" aria-live="polite"><p class="dang-tai">Đang tải…</p>
<noscript>Vui lòng bật JavaScript để sử dụng dịch vụ công trực tuyến.</noscript></main>
<footer>Hệ thống giải quyết thủ tục hành chính {province} (môi trường thử nghiệm)</footer>
<script id="dvc-khoi-tao" type="application/json">{init}</script>
<script src="/static/app.js"></script></body></html>"""

UNAVAILABLE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>503 Service Unavailable</title></head><body><h1>Dịch vụ tạm thời gián đoạn</h1>
<p>{message}</p></body></html>"""

CSS = """body{font-family:"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#eef2f7;color:#1d2733}
.top{background:#0b4f9c;color:#fff;padding:12px 24px;display:flex;flex-wrap:wrap;gap:18px;
align-items:center}.top a{color:#fff;text-decoration:none;margin-right:12px}.brand{font-weight:600}
#tai-khoan button{background:transparent;border:1px solid #fff;color:#fff;padding:3px 10px}
main{max-width:960px;margin:22px auto;background:#fff;padding:22px 30px;border-radius:6px}
.truong{margin:12px 0}.truong label{display:block;font-weight:600;margin-bottom:4px}
.truong input,.truong select,.truong textarea{width:100%;max-width:440px;padding:7px;
box-sizing:border-box}.otp{display:flex;gap:8px;border:0;padding:0}.otp input{width:42px;height:48px;
font-size:24px;text-align:center}button{background:#0b4f9c;color:#fff;border:0;padding:9px 20px;
border-radius:4px;cursor:pointer}button[disabled]{opacity:.6}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d5dbe3;padding:6px 8px;text-align:left}.loi{background:#fdeeee;
color:#9b1c1c;padding:8px 12px;border-left:4px solid #9b1c1c}.thong-bao{background:#e9f6ee;
padding:8px 12px;border-left:4px solid #1f7a44}.loi-truong{color:#9b1c1c;font-size:.9em}
footer{text-align:center;color:#5b6675;padding:16px;font-size:.9em}"""

APP_JS = r"""(function () {
  "use strict";
  var app = document.getElementById("app");
  var init = {};
  try { init = JSON.parse(document.getElementById("dvc-khoi-tao").textContent || "{}"); }
  catch (e) { init = {}; }
  var state = {user: null, userLoaded: false, receipt: null, notice: null};
  var SITE = init.tieu_de || "Dịch vụ công trực tuyến";

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function api(method, url, body) {
    var opts = {method: method, headers: {"Accept": "application/json"}, credentials: "same-origin"};
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers["Content-Type"] = "application/json";
    }
    return fetch(url, opts).then(function (r) {
      return r.text().then(function (t) {
        var d;
        try { d = t ? JSON.parse(t) : {}; }
        catch (e) { d = {loi: "Máy chủ trả lời không hợp lệ (mã " + r.status + ")."}; }
        return {status: r.status, ok: r.ok, data: d};
      });
    }, function () { return {status: 0, ok: false, data: {loi: "Không kết nối được máy chủ."}}; });
  }
  function route() {
    var raw = location.hash.replace(/^#/, "") || "/";
    var q = raw.indexOf("?");
    var path = q < 0 ? raw : raw.slice(0, q);
    return {parts: path.split("/").filter(Boolean).map(decodeURIComponent),
            params: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)), hash: "#" + raw};
  }
  function go(hash) { if (location.hash === hash) render(); else location.hash = hash; }
  function page(title) {
    document.title = title + " – " + SITE;
    app.innerHTML = "";
    var box = h("section", {"class": "trang"}, h("h1", {text: title}));
    if (state.notice) { box.appendChild(h("p", {"class": "thong-bao", role: "status", text: state.notice})); state.notice = null; }
    app.appendChild(box);
    return box;
  }
  function showError(box, message, fields) {
    box.querySelectorAll(".loi, .loi-truong").forEach(function (n) { n.remove(); });
    box.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
    box.insertBefore(h("p", {"class": "loi", role: "alert", text: message}), box.children[1] || null);
    Object.keys(fields || {}).forEach(function (name) {
      var input = box.querySelector("#" + name);
      if (!input) return;
      input.setAttribute("aria-invalid", "true");
      input.parentNode.appendChild(h("span", {"class": "loi-truong", text: fields[name]}));
    });
  }
  function field(id, label, attrs) {
    attrs = Object.assign({id: id, name: id, type: "text"}, attrs || {});
    var input;
    if (attrs.type === "textarea") { delete attrs.type; input = h("textarea", attrs); }
    else input = h("input", attrs);
    return h("div", {"class": "truong"}, h("label", {"for": id, text: label}), input);
  }
  function choice(id, label, options) {
    return h("div", {"class": "truong"}, h("label", {"for": id, text: label}),
      h("select", {id: id, name: id}, options.map(function (o) { return h("option", {text: o}); })));
  }
  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") out[k] = v.trim(); });
    return out;
  }
  function busy(form, on) { form.querySelectorAll("button").forEach(function (b) { b.disabled = on; }); }

  function loadUser() {
    if (state.userLoaded) return Promise.resolve(state.user);
    return api("GET", "/api/toi").then(function (r) {
      state.userLoaded = true;
      state.user = (r.ok && r.data.nguoi_dung) || null;
      return state.user;
    });
  }
  function renderMenu() {
    var slot = document.getElementById("tai-khoan");
    slot.innerHTML = "";
    if (state.user) {
      append(slot, [h("span", {text: "Xin chào, " + state.user.ho_ten + " "}),
        h("button", {type: "button", onclick: function () {
          api("POST", "/api/sso/dang-xuat", {}).then(function () { state.user = null; go("#/"); });
        }}, "Đăng xuất")]);
    } else {
      append(slot, h("a", {href: "#/dang-nhap"}, "Đăng nhập"));
    }
  }

  function searchForm(q) {
    var form = h("form", {role: "search", onsubmit: function (ev) {
      ev.preventDefault();
      go("#/tim-thu-tuc?q=" + encodeURIComponent(form.querySelector("#tu-khoa").value.trim()));
    }}, field("tu-khoa", "Mã hoặc tên thủ tục", {type: "search", value: q || ""}),
      h("button", {type: "submit"}, "Tìm kiếm"));
    return form;
  }
  function catalogue(box, q) {
    var list = h("div", {"class": "danh-muc"}, h("p", {text: "Đang tải danh mục…"}));
    box.appendChild(list);
    api("GET", "/api/thu-tuc?q=" + encodeURIComponent(q || "")).then(function (r) {
      list.innerHTML = "";
      var groups = (r.data && r.data.linh_vuc) || [];
      if (!groups.length) { list.appendChild(h("p", {text: "Không tìm thấy thủ tục phù hợp."})); return; }
      groups.forEach(function (g) {
        list.appendChild(h("h2", {text: "Lĩnh vực: " + g.ten}));
        list.appendChild(h("table", {}, h("thead", {}, h("tr", {}, h("th", {text: "Mã thủ tục"}),
          h("th", {text: "Tên thủ tục"}), h("th", {text: "Cơ quan thực hiện"}), h("th", {}))),
          h("tbody", {}, g.thu_tuc.map(function (t) {
            var link = t.ma ? h("a", {href: "#/thu-tuc/" + encodeURIComponent(t.ma)}, "Chi tiết")
                            : h("a", {href: t.duong_dan}, "Thực hiện trực tuyến");
            return h("tr", {}, h("td", {"class": "ma-thu-tuc", text: t.ma || "—"}),
              h("td", {text: t.ten}), h("td", {text: t.co_quan}), h("td", {}, link));
          }))));
      });
    });
  }
  function viewHome() {
    var box = page("Dịch vụ công trực tuyến");
    box.appendChild(h("p", {text: "Tìm thủ tục hành chính theo mã hoặc tên, nộp hồ sơ trực tuyến và theo dõi kết quả."}));
    box.appendChild(searchForm(""));
    catalogue(box, "");
  }
  function viewSearch(r) {
    var q = r.params.get("q") || "";
    var box = page("Tìm thủ tục");
    box.appendChild(searchForm(q));
    catalogue(box, q);
  }
  function viewProcedure(code) {
    var box = page("Thủ tục hành chính");
    api("GET", "/api/thu-tuc/" + encodeURIComponent(code)).then(function (r) {
      if (!r.ok) { showError(box, r.data.loi || "Không tìm thấy thủ tục."); return; }
      var t = r.data;
      box.querySelector("h1").textContent = t.ten;
      box.appendChild(h("table", {}, h("tbody", {},
        h("tr", {}, h("th", {text: "Mã thủ tục"}), h("td", {"class": "ma-thu-tuc", text: t.ma})),
        h("tr", {}, h("th", {text: "Lĩnh vực"}), h("td", {text: t.linh_vuc})))));
      box.appendChild(h("h2", {text: "Đơn vị cung cấp dịch vụ trực tuyến"}));
      box.appendChild(h("ul", {}, t.dich_vu.map(function (d) {
        return h("li", {}, d.ten + " – " + d.co_quan + " ", h("a", {href: d.duong_dan}, "Thực hiện trực tuyến"));
      })));
    });
  }
  function viewService(id) {
    var box = page("Dịch vụ công trực tuyến");
    api("GET", "/api/dich-vu/" + encodeURIComponent(id)).then(function (r) {
      if (!r.ok) {
        box.querySelector("h1").textContent = r.status === 404 ? "Không tìm thấy trang" : "Dịch vụ tạm thời gián đoạn";
        showError(box, r.data.loi || "Không tải được dịch vụ.");
        return;
      }
      var d = r.data;
      box.querySelector("h1").textContent = d.ten;
      box.appendChild(h("table", {}, h("tbody", {},
        h("tr", {}, h("th", {text: "Cơ quan thực hiện"}), h("td", {text: d.co_quan})),
        h("tr", {}, h("th", {text: "Mức độ"}), h("td", {text: d.muc_do})))));
      box.appendChild(h("h2", {text: "Thủ tục"}));
      var rows = d.thu_tuc.length ? d.thu_tuc : [{ma: "", ten: d.ten, linh_vuc: "—"}];
      box.appendChild(h("table", {}, h("thead", {}, h("tr", {}, h("th", {text: "Mã thủ tục"}),
        h("th", {text: "Tên thủ tục"}), h("th", {text: "Lĩnh vực"}), h("th", {}))),
        h("tbody", {}, rows.map(function (t) {
          var target = "#/nop/" + encodeURIComponent(d.id) + (t.ma ? "/" + encodeURIComponent(t.ma) : "");
          return h("tr", {}, h("td", {"class": "ma-thu-tuc", text: t.ma || "—"}), h("td", {text: t.ten}),
            h("td", {text: t.linh_vuc}), h("td", {}, h("button", {type: "button", onclick: function () { go(target); }}, "Nộp hồ sơ")));
        }))));
      if (!state.user) {
        var back = encodeURIComponent("#/dich-vu/" + d.id);
        box.appendChild(h("p", {"class": "can-dang-nhap"}, "Vui lòng đăng nhập bằng tài khoản định danh để nộp hồ sơ. ",
          h("a", {href: "#/dang-nhap?dich_vu=" + encodeURIComponent(d.id) + "&tiep=" + back}, "Đăng nhập"), " · ",
          h("a", {href: "#/dang-ky?dich_vu=" + encodeURIComponent(d.id) + "&tiep=" + back}, "Đăng ký tài khoản định danh")));
      }
    });
  }

  function otpView(info, url, challenge, done) {
    var box = page("Xác thực OTP");
    box.appendChild(h("p", {text: info}));
    var boxes = [];
    for (var i = 1; i <= 6; i++) {
      boxes.push(h("input", {id: "otp-" + i, name: "otp-" + i, type: "text", inputmode: "numeric",
        maxlength: "1", pattern: "[0-9]", autocomplete: i === 1 ? "one-time-code" : "off",
        "aria-label": "Ô mã OTP thứ " + i, required: true}));
    }
    boxes.forEach(function (input, idx) {
      input.addEventListener("input", function () {
        var digits = input.value.replace(/\D/g, "");
        if (digits.length > 1) {           // pasted or filled at once: spread over the boxes
          for (var j = 0; j < digits.length && idx + j < 6; j++) boxes[idx + j].value = digits[j];
          boxes[Math.min(5, idx + digits.length - 1)].focus();
          return;
        }
        input.value = digits;
        if (digits && idx < 5) boxes[idx + 1].focus();
      });
      input.addEventListener("paste", function (ev) {
        var digits = ((ev.clipboardData && ev.clipboardData.getData("text")) || "").replace(/\D/g, "");
        if (!digits) return;
        ev.preventDefault();
        for (var j = 0; j < digits.length && idx + j < 6; j++) boxes[idx + j].value = digits[j];
        boxes[Math.min(5, idx + digits.length - 1)].focus();
      });
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Backspace" && !input.value && idx > 0) boxes[idx - 1].focus();
      });
    });
    var form = h("form", {onsubmit: function (ev) {
      ev.preventDefault();
      var otp = boxes.map(function (b) { return b.value; }).join("");
      if (!/^\d{6}$/.test(otp)) { showError(box, "Vui lòng nhập đủ 6 chữ số của mã OTP."); return; }
      busy(form, true);
      api("POST", url, {ma_xac_thuc: challenge, otp: otp}).then(function (r) {
        busy(form, false);
        if (!r.ok) { showError(box, r.data.loi || "Xác thực không thành công."); return; }
        done(r.data);
      });
    }}, h("fieldset", {"class": "otp"}, h("legend", {text: "Nhập mã OTP"}), boxes),
      h("p", {}, h("button", {type: "submit"}, "Xác thực")));
    box.appendChild(form);
    boxes[0].focus();
  }
  function serviceOf(r) {
    var id = r.params.get("dich_vu");
    if (id) return id;
    var m = /^#\/(?:dich-vu|nop)\/([^/?]+)/.exec(r.params.get("tiep") || "");
    return m ? decodeURIComponent(m[1]) : "";
  }
  function viewLogin(r) {
    var next = r.params.get("tiep") || "#/";
    var service = serviceOf(r);
    var box = page("Đăng nhập bằng tài khoản định danh");
    var form = h("form", {onsubmit: function (ev) {
      ev.preventDefault();
      var v = values(form);
      busy(form, true);
      api("POST", "/api/sso/dang-nhap", {ten_dang_nhap: v.ten_dang_nhap, mat_khau: form.querySelector("#mat_khau").value,
                                         dich_vu: service}).then(function (res) {
        busy(form, false);
        if (!res.ok) { showError(box, res.data.loi || "Đăng nhập không thành công."); return; }
        otpView(res.data.thong_bao, "/api/sso/xac-thuc", res.data.ma_xac_thuc, function (data) {
          state.user = data.nguoi_dung;
          renderMenu();
          go(next);
        });
      });
    }}, field("ten_dang_nhap", "Tên đăng nhập", {autocomplete: "username", placeholder: "Số định danh cá nhân hoặc thư điện tử", required: true}),
      field("mat_khau", "Mật khẩu", {type: "password", autocomplete: "current-password", required: true}),
      h("button", {type: "submit"}, "Đăng nhập"));
    box.appendChild(form);
    box.appendChild(h("p", {}, "Chưa có tài khoản? ", h("a", {href: "#/dang-ky?dich_vu=" +
      encodeURIComponent(service) + "&tiep=" + encodeURIComponent(next)}, "Đăng ký tài khoản định danh")));
  }
  function viewRegister(r) {
    var next = r.params.get("tiep") || "#/";
    var service = serviceOf(r);
    var box = page("Đăng ký tài khoản định danh");
    var form = h("form", {onsubmit: function (ev) {
      ev.preventDefault();
      var v = values(form);
      v.mat_khau = form.querySelector("#mat_khau").value;
      v.nhap_lai_mat_khau = form.querySelector("#nhap_lai_mat_khau").value;
      v.dich_vu = service;
      busy(form, true);
      api("POST", "/api/tai-khoan/dang-ky", v).then(function (res) {
        busy(form, false);
        if (!res.ok) { showError(box, res.data.loi || "Đăng ký không thành công.", res.data.truong); return; }
        otpView(res.data.thong_bao, "/api/tai-khoan/xac-thuc", res.data.ma_xac_thuc, function (data) {
          state.notice = data.thong_bao;
          go("#/dang-nhap?dich_vu=" + encodeURIComponent(service) + "&tiep=" + encodeURIComponent(next));
        });
      });
    }}, field("ho_ten", "Họ và tên", {autocomplete: "name", required: true}),
      field("so_dinh_danh", "Số định danh cá nhân", {inputmode: "numeric", maxlength: "12", required: true}),
      field("dien_thoai", "Số điện thoại", {type: "tel", required: true}),
      field("email", "Thư điện tử", {type: "email", required: true}),
      field("mat_khau", "Mật khẩu", {type: "password", autocomplete: "new-password", required: true}),
      field("nhap_lai_mat_khau", "Nhập lại mật khẩu", {type: "password", autocomplete: "new-password", required: true}),
      h("button", {type: "submit"}, "Đăng ký"));
    box.appendChild(form);
  }

  function viewForm(id, code, r) {
    if (!state.user) {
      go("#/dang-nhap?dich_vu=" + encodeURIComponent(id) + "&tiep=" + encodeURIComponent(r.hash));
      return;
    }
    var box = page("Tờ khai trực tuyến");
    api("GET", "/api/dich-vu/" + encodeURIComponent(id)).then(function (res) {
      if (!res.ok) { showError(box, res.data.loi || "Không tải được dịch vụ."); return; }
      var d = res.data;
      box.appendChild(h("p", {}, "Dịch vụ: ", h("strong", {text: d.ten}), code ? " (mã thủ tục " + code + ")" : ""));
      var u = state.user;
      var form = h("form", {onsubmit: function (ev) {
        ev.preventDefault();
        var v = values(form);
        busy(form, true);
        api("POST", "/api/ho-so", {dich_vu: id, thu_tuc: code, nguoi_yeu_cau: {ho_ten: v.ho_ten,
          so_dinh_danh: v.so_dinh_danh, dien_thoai: v.dien_thoai, dia_chi: v.dia_chi},
          noi_dung: v.noi_dung, hinh_thuc_nhan: v.hinh_thuc_nhan}).then(function (res2) {
          busy(form, false);
          if (!res2.ok) { showError(box, res2.data.loi || "Không lưu được tờ khai.", res2.data.truong); return; }
          viewAttachments(d, res2.data);
        });
      }}, field("ho_ten", "Họ và tên người yêu cầu", {value: u.ho_ten, required: true}),
        field("so_dinh_danh", "Số định danh cá nhân", {value: u.so_dinh_danh, required: true}),
        field("dien_thoai", "Số điện thoại", {type: "tel", value: u.dien_thoai, required: true}),
        field("dia_chi", "Địa chỉ thường trú", {required: true}),
        field("noi_dung", "Nội dung yêu cầu", {type: "textarea", rows: "4", required: true}),
        choice("hinh_thuc_nhan", "Hình thức nhận kết quả", d.hinh_thuc_nhan),
        h("button", {type: "submit"}, "Tiếp tục"));
      box.appendChild(form);
    });
  }
  function viewAttachments(d, draft) {
    var box = page("Thành phần hồ sơ");
    box.appendChild(h("p", {}, "Dịch vụ: ", h("strong", {text: d.ten})));
    var uploaded = h("ul", {"class": "tep-da-tai"});
    var upload = h("form", {enctype: "multipart/form-data", onsubmit: function (ev) {
      ev.preventDefault();
      busy(upload, true);
      api("POST", "/api/nhap/" + draft.ma_nhap + "/tep", new FormData(upload)).then(function (r) {
        busy(upload, false);
        if (!r.ok) { showError(box, r.data.loi || "Tải tệp không thành công."); return; }
        box.querySelectorAll(".loi").forEach(function (n) { n.remove(); });
        uploaded.innerHTML = "";
        r.data.tep.forEach(function (f) { uploaded.appendChild(h("li", {text: "Đã tải lên: " + f.ten})); });
        upload.reset();
      });
    }}, field("tep", "Đơn đề nghị (PDF hoặc ảnh)", {type: "file", accept: ".pdf,.jpg,.jpeg,.png"}),
      h("button", {type: "submit"}, "Tải lên"));
    box.appendChild(upload);
    box.appendChild(uploaded);
    var submit = h("form", {onsubmit: function (ev) {
      ev.preventDefault();
      var captcha = submit.querySelector("#ma_kiem_tra");
      busy(submit, true);
      api("POST", "/api/nhap/" + draft.ma_nhap + "/nop", {ma_kiem_tra: captcha ? captcha.value : ""}).then(function (r) {
        busy(submit, false);
        if (!r.ok) { showError(box, r.data.loi || "Nộp hồ sơ không thành công."); if (captcha) refresh(); return; }
        state.receipt = r.data;
        go("#/bien-nhan/" + encodeURIComponent(r.data.so_bien_nhan));
      });
    }});
    var image = null, round = 0;
    function refresh() { round += 1; image.src = draft.ma_kiem_tra + "?lan=" + round; submit.querySelector("#ma_kiem_tra").value = ""; }
    if (draft.ma_kiem_tra) {
      image = h("img", {alt: "Ảnh mã kiểm tra", width: "170", height: "56"});
      submit.appendChild(h("div", {"class": "truong"}, image, " ",
        h("button", {type: "button", onclick: function () { refresh(); }}, "Lấy mã khác")));
      submit.appendChild(field("ma_kiem_tra", "Mã kiểm tra", {autocomplete: "off", required: true}));
    }
    submit.appendChild(h("button", {type: "submit"}, "Nộp hồ sơ"));
    box.appendChild(submit);
    if (image) refresh();
  }
  function viewReceipt(so) {
    var box = page("Nộp hồ sơ thành công");
    var rec = state.receipt && state.receipt.so_bien_nhan === so ? state.receipt : {so_bien_nhan: so};
    box.appendChild(h("table", {}, h("tbody", {},
      h("tr", {}, h("th", {text: "Số biên nhận"}), h("td", {}, h("strong", {id: "so-bien-nhan", text: rec.so_bien_nhan}))),
      rec.thoi_gian ? h("tr", {}, h("th", {text: "Thời gian tiếp nhận"}), h("td", {text: rec.thoi_gian})) : null,
      rec.trang_thai ? h("tr", {}, h("th", {text: "Trạng thái"}), h("td", {text: rec.trang_thai})) : null)));
    box.appendChild(h("p", {}, h("a", {href: "#/theo-doi/" + encodeURIComponent(so)}, "Theo dõi hồ sơ")));
  }
  function viewTrack(so) {
    var box = page("Theo dõi hồ sơ");
    var form = h("form", {onsubmit: function (ev) {
      ev.preventDefault();
      go("#/theo-doi/" + encodeURIComponent(form.querySelector("#so_bien_nhan").value.trim()));
    }}, field("so_bien_nhan", "Số biên nhận", {value: so || "", required: true}),
      h("button", {type: "submit"}, "Tra cứu"));
    box.appendChild(form);
    if (!so) return;
    api("GET", "/api/ho-so/" + encodeURIComponent(so)).then(function (r) {
      if (!r.ok) { showError(box, r.data.loi || "Không tìm thấy hồ sơ."); return; }
      var d = r.data;
      function row(k, v, cls) { return h("tr", {}, h("th", {text: k}), h("td", {"class": cls || null, text: v})); }
      box.appendChild(h("h2", {text: "Thông tin hồ sơ"}));
      box.appendChild(h("table", {"class": "ket-qua"}, h("tbody", {}, row("Số biên nhận", d.so_bien_nhan),
        row("Thủ tục", d.thu_tuc), row("Cơ quan giải quyết", d.co_quan), row("Người nộp", d.nguoi_nop),
        row("Ngày nộp", d.ngay_nop), row("Trạng thái", d.trang_thai, "trang-thai"))));
    });
  }
  function viewNotFound() {
    var box = page("Không tìm thấy trang");
    box.appendChild(h("p", {"class": "loi", role: "alert", text: "Trang bạn yêu cầu không tồn tại hoặc đã bị gỡ bỏ."}));
  }

  function render() {
    var r = route(), p = r.parts;
    loadUser().then(function () {
      renderMenu();
      if (init.khong_tim_thay) return viewNotFound();
      if (!p.length) return viewHome();
      switch (p[0]) {
        case "tim-thu-tuc": return viewSearch(r);
        case "thu-tuc": return viewProcedure(p[1] || "");
        case "dich-vu": return viewService(p[1] || "");
        case "dang-nhap": return viewLogin(r);
        case "dang-ky": return viewRegister(r);
        case "nop": return viewForm(p[1] || "", p[2] || "", r);
        case "bien-nhan": return viewReceipt(p[1] || "");
        case "theo-doi": return viewTrack(p[1] || "");
      }
      viewNotFound();
    });
  }
  if (init.dich_vu && (!location.hash || location.hash === "#" || location.hash === "#/")) {
    history.replaceState(null, "", "#/dich-vu/" + encodeURIComponent(init.dich_vu));
  }
  window.addEventListener("hashchange", render);
  render();
})();
"""


class SinglePageAppPortal:
    """The WSGI app of a single-page DVCTT portal hosting ``services`` (portal "spa")."""

    platform = "spa"

    def __init__(self, province: Province, services: list[Service], clock: SandboxClock,
                 smtp: tuple[str, int] | None = None, slow_seconds: float = 2.0):
        self.core = PortalCore(self.platform, province, services, clock, smtp, slow_seconds,
                               SENDER)
        self.province = province
        self.title = f"Hệ thống giải quyết thủ tục hành chính {province.name}"
        self.url_map = Map([
            Rule("/", endpoint="shell"),
            Rule("/static/app.js", endpoint="script"),
            Rule("/static/app.css", endpoint="style"),
            Rule("/api/thu-tuc", endpoint="procedures"),
            Rule("/api/thu-tuc/<code>", endpoint="procedure"),
            Rule("/api/dich-vu/<sid>", endpoint="service"),
            Rule("/api/tai-khoan/dang-ky", endpoint="register", methods=["POST"]),
            Rule("/api/tai-khoan/xac-thuc", endpoint="confirm", methods=["POST"]),
            Rule("/api/sso/dang-nhap", endpoint="login", methods=["POST"]),
            Rule("/api/sso/xac-thuc", endpoint="login_otp", methods=["POST"]),
            Rule("/api/sso/dang-xuat", endpoint="logout", methods=["POST"]),
            Rule("/api/toi", endpoint="me"),
            Rule("/api/ho-so", endpoint="new_draft", methods=["POST"]),
            Rule("/api/nhap/<draft>/tep", endpoint="upload", methods=["POST"]),
            Rule("/api/nhap/<draft>/ma-kiem-tra.png", endpoint="captcha"),
            Rule("/api/nhap/<draft>/nop", endpoint="submit", methods=["POST"]),
            Rule("/api/ho-so/<code>", endpoint="dossier"),
            Rule("/favicon.ico", endpoint="favicon"),
        ])

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        return self.handle(UploadRequest(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        session = self.core.session(request.cookies.get(COOKIE))
        api = request.path.startswith("/api/")
        try:
            service = None if api else self.core.service_at(request.path)
            if service is not None and request.method in ("GET", "HEAD"):
                response = self.on_deep_link(request, session, service)
            else:
                endpoint, args = self.url_map.bind_to_environ(request.environ).match()
                response = getattr(self, f"on_{endpoint}")(request, session, **args)
        except RequestRedirect as moved:
            response = moved.get_response()
        except NotFound:
            response = (self.json({"loi": "Không tìm thấy tài nguyên."}, 404) if api
                        else self.page(404, {"khong_tim_thay": True}))
        except MethodNotAllowed:
            response = self.json({"loi": "Phương thức không được hỗ trợ."}, 405)
        except HTTPException as error:
            response = self.json({"loi": "Yêu cầu không hợp lệ hoặc tệp quá lớn."},
                                 error.code or 400)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="Lax", path="/")
        return response

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def json(data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data, ensure_ascii=False), status=status,
                        mimetype="application/json")

    def fault(self, fault: Fault) -> Response:
        response = self.json({"loi": fault.message}, fault.status)
        if fault.status == 503:
            response.headers["Retry-After"] = "3600"
        return response

    def page(self, status: int, init: dict) -> Response:
        init = {"tieu_de": self.title, **init}
        # JSON inside <script>: keep "</" and "<!--" from closing or confusing the element.
        payload = json.dumps(init, ensure_ascii=False).replace("<", "\\u003c")
        body = SHELL.format(province=html.escape(self.province.name), init=payload)
        return Response(body, status=status, mimetype="text/html")

    @staticmethod
    def body(request: Request) -> dict:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    def service_json(self, service: Service) -> dict:
        return {"id": service.id, "ten": service.name, "co_quan": self.core.agency_name(service),
                "muc_do": LEVEL_TEXT.get(service.level, f"Mức độ {service.level}"),
                "nhom": service.group, "duong_dan": service.path,
                "thu_tuc": [{"ma": p.code, "ten": p.name, "linh_vuc": p.field}
                            for p in self.core.procedures_of(service)],
                "hinh_thuc_nhan": list(RESULT_OPTIONS)}

    def account_json(self, session: Session) -> dict | None:
        account = self.core.user(session)
        if account is None:
            return None
        return {"ho_ten": account.name, "so_dinh_danh": account.id_no,
                "dien_thoai": account.phone, "email": account.email}

    # -- the shell ---------------------------------------------------------------------------
    def on_shell(self, request, session):
        return self.page(200, {})

    def on_deep_link(self, request, session, service: Service):
        self.core.pace(service)
        fault = self.core.fault_open(service)
        if fault is None:
            return self.page(200, {"dich_vu": service.id})
        if fault.status == 404:
            return self.page(404, {"khong_tim_thay": True})
        response = Response(UNAVAILABLE.format(message=html.escape(fault.message)),
                            status=fault.status, mimetype="text/html")
        response.headers["Retry-After"] = "3600"
        return response

    def on_favicon(self, request, session):
        return Response(status=204)

    def on_script(self, request, session):
        return Response(APP_JS, mimetype="application/javascript")

    def on_style(self, request, session):
        return Response(CSS, mimetype="text/css")

    # -- catalogue ---------------------------------------------------------------------------
    def on_procedures(self, request, session):
        groups = []
        for name, rows in self.core.catalogue(request.args.get("q", "")):
            seen, items = set(), []
            for procedure, service in rows:
                key = procedure.code or service.id
                if key in seen:
                    continue
                seen.add(key)
                items.append({"ma": procedure.code, "ten": procedure.name,
                              "co_quan": self.core.agency_name(service),
                              "duong_dan": service.path})
            groups.append({"ten": name, "thu_tuc": items})
        return self.json({"linh_vuc": groups})

    def on_procedure(self, request, session, code: str):
        hosts = [s for s in self.core.services if code in s.procedures]
        if not hosts:
            raise NotFound()
        procedure = self.core.procedure(code, hosts[0])
        return self.json({"ma": procedure.code, "ten": procedure.name,
                          "linh_vuc": procedure.field,
                          "dich_vu": [{"id": s.id, "ten": s.name,
                                       "co_quan": self.core.agency_name(s),
                                       "duong_dan": s.path} for s in hosts]})

    def on_service(self, request, session, sid: str):
        service = self.core.by_id.get(sid)
        if service is None:
            raise NotFound()
        self.core.pace(service)
        fault = self.core.fault_open(service)
        if fault:
            return self.fault(fault)
        return self.json(self.service_json(service))

    # -- accounts ----------------------------------------------------------------------------
    def on_register(self, request, session):
        data = self.body(request)
        service = self.core.by_id.get(str(data.get("dich_vu") or ""))
        self.core.pace(service)
        values = {k: str(data.get(k) or "").strip() for k in
                  ("ho_ten", "so_dinh_danh", "dien_thoai", "email")}
        errors = self.core.validate_registration(
            values["ho_ten"], values["so_dinh_danh"], values["dien_thoai"], values["email"],
            str(data.get("mat_khau") or ""), str(data.get("nhap_lai_mat_khau") or ""))
        if "so_cccd" in errors:
            errors["so_dinh_danh"] = errors.pop("so_cccd")
        if errors:
            return self.json({"loi": "Thông tin đăng ký chưa hợp lệ.", "truong": errors}, 400)
        fault = self.core.fault_register(service)
        if fault:
            return self.fault(fault)
        account, problem = self.core.create_account(
            values["ho_ten"], values["so_dinh_danh"], values["dien_thoai"], values["email"],
            str(data.get("mat_khau") or ""), service)
        if account is None:
            return self.json({"loi": problem}, 409)
        challenge = self.core.challenge("register", account, service)
        if not self.core.registration_mail_lost(service):
            try:
                self.core.mail(account.email, REGISTER_SUBJECT, otp_body(
                    account.name, challenge.otp, "xác thực đăng ký tài khoản định danh",
                    self.title))
            except MailError:
                return self.json({"loi": "Không gửi được mã OTP. Vui lòng thử lại sau."}, 502)
        return self.json({"ma_xac_thuc": challenge.id,
                          "thong_bao": f"Mã OTP gồm 6 chữ số đã được gửi tới thư điện tử "
                                       f"{mask_email(account.email)}."}, 201)

    def on_confirm(self, request, session):
        data = self.body(request)
        challenge_id = str(data.get("ma_xac_thuc") or "")
        pending = self.core.challenges.get(challenge_id)
        self.core.pace(self.core.by_id.get(pending.service_id or "") if pending else None)
        found, problem = self.core.verify(challenge_id, str(data.get("otp") or ""), "register")
        if found is None:
            return self.json({"loi": problem}, 400)
        self.core.accounts[found.account].active = True
        return self.json({"thong_bao": "Đăng ký tài khoản thành công. Vui lòng đăng nhập."})

    def on_login(self, request, session):
        data = self.body(request)
        service = self.core.by_id.get(str(data.get("dich_vu") or ""))
        self.core.pace(service)
        account = self.core.authenticate(str(data.get("ten_dang_nhap") or ""),
                                         str(data.get("mat_khau") or ""))
        if account is None:
            return self.json({"loi": "Tên đăng nhập hoặc mật khẩu không đúng."}, 401)
        if not account.active:
            return self.json({"loi": "Tài khoản chưa được xác thực. Vui lòng đăng ký lại."}, 403)
        challenge = self.core.challenge("login", account, service)
        try:
            self.core.mail(account.email, LOGIN_SUBJECT, otp_body(
                account.name, challenge.otp, "đăng nhập", self.title))
        except MailError:
            return self.json({"loi": "Không gửi được mã OTP. Vui lòng thử lại sau."}, 502)
        return self.json({"ma_xac_thuc": challenge.id,
                          "thong_bao": f"Mã OTP đăng nhập đã được gửi tới thư điện tử "
                                       f"{mask_email(account.email)}."})

    def on_login_otp(self, request, session):
        data = self.body(request)
        challenge_id = str(data.get("ma_xac_thuc") or "")
        pending = self.core.challenges.get(challenge_id)
        self.core.pace(self.core.by_id.get(pending.service_id or "") if pending else None)
        found, problem = self.core.verify(challenge_id, str(data.get("otp") or ""), "login")
        if found is None:
            return self.json({"loi": problem}, 400)
        session.user = found.account
        return self.json({"nguoi_dung": self.account_json(session)})

    def on_logout(self, request, session):
        session.user = None
        session.data.clear()
        return self.json({"thong_bao": "Đã đăng xuất."})

    def on_me(self, request, session):
        return self.json({"nguoi_dung": self.account_json(session)})   # null when anonymous

    # -- dossiers ----------------------------------------------------------------------------
    def draft_of(self, session: Session, draft_id: str) -> tuple[dict, Service]:
        draft = session.data.get("drafts", {}).get(draft_id)
        if draft is None or session.user is None:
            raise NotFound()
        return draft, self.core.by_id[draft["service"]]

    def on_new_draft(self, request, session):
        data = self.body(request)
        service = self.core.by_id.get(str(data.get("dich_vu") or ""))
        if service is None:
            return self.json({"loi": "Không tìm thấy dịch vụ."}, 404)
        self.core.pace(service)
        fault = self.core.fault_open(service)
        if fault:
            return self.fault(fault)
        if self.core.user(session) is None:
            return self.json({"loi": "Vui lòng đăng nhập để nộp hồ sơ."}, 401)
        code = str(data.get("thu_tuc") or "")
        if code and code not in service.procedures:
            return self.json({"loi": "Thủ tục không thuộc dịch vụ này."}, 400)
        if not code and service.procedures:
            if len(service.procedures) > 1:
                return self.json({"loi": "Vui lòng chọn thủ tục."}, 400)
            code = service.procedures[0]
        person = data.get("nguoi_yeu_cau") if isinstance(data.get("nguoi_yeu_cau"), dict) else {}
        applicant = {k: str(person.get(k) or "").strip() for k in
                     ("ho_ten", "so_dinh_danh", "dien_thoai", "dia_chi")}
        details = {"noi_dung": str(data.get("noi_dung") or "").strip(),
                   "hinh_thuc_nhan": str(data.get("hinh_thuc_nhan") or RESULT_OPTIONS[0])}
        labels = {"ho_ten": "họ và tên người yêu cầu", "so_dinh_danh": "số định danh cá nhân",
                  "dien_thoai": "số điện thoại", "dia_chi": "địa chỉ thường trú",
                  "noi_dung": "nội dung yêu cầu"}
        errors = {k: f"Vui lòng nhập {labels[k]}." for k, v in {**applicant, **details}.items()
                  if k in labels and not v}
        if details["hinh_thuc_nhan"] not in RESULT_OPTIONS:
            errors["hinh_thuc_nhan"] = "Hình thức nhận kết quả không hợp lệ."
        if errors:
            return self.json({"loi": "Tờ khai chưa đầy đủ.", "truong": errors}, 400)
        draft_id = self.core.token()[:20]
        session.data.setdefault("drafts", {})[draft_id] = {
            "service": service.id, "thu_tuc": code, "applicant": applicant, "details": details,
            "files": []}
        captcha = (f"/api/nhap/{draft_id}/ma-kiem-tra.png" if self.core.needs_captcha(service)
                   else None)
        return self.json({"ma_nhap": draft_id, "ma_kiem_tra": captcha}, 201)

    def on_upload(self, request, session, draft: str):
        found, service = self.draft_of(session, draft)
        self.core.pace(service)
        upload = request.files.get("tep")
        name = upload.filename if upload is not None else ""
        data = upload.read() if upload is not None and name else b""
        problem = check_upload(name or "", data)
        if problem:
            return self.json({"loi": problem}, 400)
        found["files"].append((name, len(data), upload.mimetype or "application/octet-stream"))
        return self.json({"tep": [{"ten": n, "kich_thuoc": size} for n, size, _ in
                                  found["files"]]})

    def on_captcha(self, request, session, draft: str):
        found, service = self.draft_of(session, draft)
        self.core.pace(service)
        if not self.core.needs_captcha(service):
            raise NotFound()
        return Response(self.core.new_captcha(draft), mimetype="image/png",
                        headers={"Cache-Control": "no-store"})

    def on_submit(self, request, session, draft: str):
        found, service = self.draft_of(session, draft)
        self.core.pace(service)
        data = self.body(request)
        if not found["files"]:
            return self.json({"loi": "Vui lòng tải lên thành phần hồ sơ trước khi nộp."}, 400)
        if self.core.needs_captcha(service) and not self.core.check_captcha(
                draft, str(data.get("ma_kiem_tra") or "")):
            return self.json({"loi": "Mã kiểm tra không đúng."}, 400)
        fault = self.core.fault_submit(service)
        if fault:
            return self.fault(fault)
        dossier = self.core.new_dossier(service, found["thu_tuc"] or None, session.user,
                                        found["applicant"], found["details"], found["files"])
        session.data["drafts"].pop(draft, None)
        return self.json({"so_bien_nhan": dossier.code, "trang_thai": self.core.status(dossier),
                          "thoi_gian": dossier.submitted.strftime("%H:%M %d/%m/%Y")}, 201)

    def on_dossier(self, request, session, code: str):
        dossier = self.core.find_dossier(code)
        service = self.core.by_id[dossier.service_id] if dossier else None
        self.core.pace(service)
        if dossier is None or self.core.fault_track(service):
            return self.json({"loi": f"Không tìm thấy hồ sơ có số biên nhận {code}."}, 404)
        name = (self.core.procedure(dossier.procedure, service).name if dossier.procedure
                else service.name)
        return self.json({"so_bien_nhan": dossier.code, "thu_tuc": name,
                          "ma_thu_tuc": dossier.procedure or "",
                          "co_quan": self.core.agency_name(service),
                          "nguoi_nop": dossier.applicant.get("ho_ten", ""),
                          "ngay_nop": dossier.submitted.strftime("%d/%m/%Y %H:%M"),
                          "trang_thai": self.core.status(dossier)})


def otp_body(name: str, otp: str, purpose: str, signature: str) -> str:
    return (f"Kính gửi {name},\n\n"
            f"Mã OTP {purpose} của bạn là: {otp}\n"
            "Mã có hiệu lực trong 10 phút. Không chia sẻ mã này với bất kỳ ai.\n\n"
            f"{signature}\n")


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"
