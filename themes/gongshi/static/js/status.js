// Day-dependent statuses, recomputed in the browser with the rules of
// site/gongshi_site/status.py, so a page built days ago still tells the truth:
// a publicity period opens and closes, a call closes, an award expires. The page as
// built shows the same text for the build date, and is what readers without scripts see.
(function () {
  "use strict";
  var DAY = 24 * 60 * 60 * 1000;

  // Today in China (UTC+8 all year, no daylight saving), as YYYY-MM-DD.
  function chinaToday() {
    return new Date(Date.now() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
  }

  function daysFrom(from, to) {
    return Math.round((Date.parse(to) - Date.parse(from)) / DAY);
  }

  function chineseDay(isoDay) {
    var parts = isoDay.split("-");
    return Number(parts[0]) + "年" + Number(parts[1]) + "月" + Number(parts[2]) + "日";
  }

  function setStatus(element, key, label) {
    element.className = element.className.replace(/\bstatus--[a-z]+/g, "").trim();
    element.classList.add("status--" + key);
    element.textContent = label;
  }

  function publicity(container, today) {
    var start = container.getAttribute("data-publicity-start");
    var end = container.getAttribute("data-publicity-end");
    var badge = container.querySelector(".status");
    var detail = container.querySelector(".publicity-detail");
    if (today < start) {
      setStatus(badge, "upcoming", "未开始");
      detail.textContent = "将于" + chineseDay(start) + "开始";
      return;
    }
    if (!end) {
      // No length set: the regulation states none for this kind of notice.
      setStatus(badge, "published", "已公布");
      detail.textContent = "未设截止日期";
      return;
    }
    var left = daysFrom(today, end);
    if (today > end) {
      setStatus(badge, "ended", "已结束");
      detail.textContent = "已于" + chineseDay(end) + "结束";
    } else {
      setStatus(badge, "open", "公示中");
      detail.textContent = left === 0 ? "今天是公示期最后一天" : "距公示截止还有" + left + "天（日历日）";
    }
  }

  function update() {
    var today = chinaToday();
    document.querySelectorAll("[data-publicity-start]").forEach(function (container) {
      publicity(container, today);
    });
    document.querySelectorAll("[data-deadline]").forEach(function (badge) {
      if (today > badge.getAttribute("data-deadline")) {
        setStatus(badge, "closed", "已截止");
      } else {
        setStatus(badge, "accepting", "申报中");
      }
    });
    document.querySelectorAll("[data-valid-until]").forEach(function (badge) {
      if (today > badge.getAttribute("data-valid-until")) {
        setStatus(badge, "expired", "已过期");
      } else {
        setStatus(badge, "valid", "有效");
      }
    });
    // Where to object is shown while objections are still possible.
    document.querySelectorAll("[data-hide-after]").forEach(function (block) {
      block.hidden = today > block.getAttribute("data-hide-after");
    });
  }

  update();
})();
