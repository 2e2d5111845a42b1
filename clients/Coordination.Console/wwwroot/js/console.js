// Progressive enhancements only: every page works without this script.
// 1. A form cannot be sent twice by a double click (the platform would apply it once anyway).
// 2. Deadlines under a day count down in minutes while the page is open.
// 3. The office inbox updates live (server-sent events); the browser reconnects by itself.
(function () {
  "use strict";
  var vi = document.documentElement.lang !== "en";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    setTimeout(function () { form.dataset.sending = ""; }, 8000);
  }, true);
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) { f.dataset.sending = ""; });
  });

  function words(ms) {
    var late = ms < 0, m = Math.floor(Math.abs(ms) / 60000), h = Math.floor(m / 60);
    if (late) {
      if (m < 60) return vi ? "quá hạn " + Math.max(1, m) + " phút" : Math.max(1, m) + " min overdue";
      return vi ? "quá hạn " + h + " giờ" : h + " h overdue";
    }
    if (m < 60) return vi ? "còn " + Math.max(1, m) + " phút" : Math.max(1, m) + " min left";
    return vi ? "còn " + h + " giờ" : h + " h left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("data-due")) - now;
      if (isNaN(ms) || ms > 24 * 3600000 || ms < -48 * 3600000) return;
      var left = el.querySelector(".deadline__left");
      if (left) left.textContent = words(ms);
      el.classList.toggle("deadline--overdue", ms < 0);
      el.classList.toggle("deadline--soon", ms >= 0);
      el.classList.remove("deadline--calm");
    });
  }
  setInterval(tick, 30000);

  var badge = document.querySelector("[data-inbox-count]");
  if (badge && window.EventSource) {
    var list = document.getElementById("inbox-list");
    var status = document.querySelector("[data-live-status]");
    var source = new EventSource("/live/inbox");
    source.addEventListener("hello", function () { if (status) status.hidden = false; });
    source.addEventListener("inbox", function (message) {
      var e = JSON.parse(message.data);
      badge.textContent = e.unseen > 0 ? "(" + e.unseen + ")" : "";
      if (!list) return;
      var li = document.createElement("li");
      li.className = "inbox__item inbox__item--new";
      var title = document.createElement("p");
      title.className = "inbox__title";
      title.textContent = e.title;
      var detail = document.createElement("p");
      detail.className = "inbox__detail";
      detail.textContent = e.detail;
      var meta = document.createElement("p");
      meta.className = "inbox__meta";
      meta.textContent = e.time + " ";
      if (e.case) { var a = document.createElement("a"); a.href = "/cases/" + encodeURIComponent(e.case); a.textContent = e.case; meta.appendChild(a); }
      if (e.task) { var t = document.createElement("a"); t.href = "/tasks/" + encodeURIComponent(e.task); t.textContent = " " + e.task; meta.appendChild(t); }
      li.appendChild(title); li.appendChild(detail); li.appendChild(meta);
      list.insertBefore(li, list.firstChild);
    });
    source.onerror = function () { if (status) status.hidden = true; };
  }
})();
