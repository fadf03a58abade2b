// 党务公开栏 screen: the latest public items of one region or unit in rotation, one every few
// seconds. A touch (or click) opens an item; after a minute without a touch the screen goes back
// to the rotation. If the network fails the screen keeps rotating what it already has.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root || !window.fetch || !window.DisplayAPI) return;
  var api = window.DisplayAPI;
  var base = root.getAttribute("data-api-root");
  var number = function (name, fallback) {
    var value = parseInt(root.getAttribute(name), 10);
    return value > 0 ? value : fallback;
  };
  var rotateMs = number("data-rotate-seconds", 15) * 1000;
  var idleMs = number("data-idle-seconds", 60) * 1000;
  var refreshMs = number("data-refresh-seconds", 300) * 1000;
  var count = number("data-item-count", 10);
  var params = { limit: count };
  params[root.getAttribute("data-filter")] = root.getAttribute("data-target-id");
  var itemQrUrl = root.getAttribute("data-item-qr-url");
  var RETRY_MS = 30 * 1000;

  var status = document.getElementById("kiosk-status");
  var rotation = document.getElementById("kiosk-rotation");
  var slide = document.getElementById("kiosk-slide");
  var listing = document.getElementById("kiosk-list");
  var article = document.getElementById("kiosk-item");
  var qr = document.getElementById("kiosk-qr");
  var qrText = document.getElementById("kiosk-qr-text");
  var standingQr = qr.getAttribute("data-standing") ? qr.getAttribute("src") : "";
  var standingText = qrText.textContent;

  var items = [];
  var details = {};
  var index = 0;
  var opened = null;
  var rotateTimer = null;
  var idleTimer = null;
  var loadTimer = null;

  function setStatus(text, isError) {
    status.textContent = text || "";
    status.hidden = !text;
    status.classList.toggle("is-error", !!isError);
  }

  function fill(container, item) {
    var fields = {
      title: item.title,
      unit: api.unitName(item),
      date: api.formatDate(item),
      doc_number: item.doc_number || "",
      catalog: api.catalogLabel(item),
    };
    Object.keys(fields).forEach(function (name) {
      var cell = container.querySelector('[data-field="' + name + '"]');
      if (cell) cell.textContent = name === "doc_number" && container === slide && fields[name] ? " · " + fields[name] : fields[name];
      var row = container.querySelector('[data-when="' + name + '"]');
      if (row) row.hidden = !fields[name];
    });
  }

  function showQrFor(item) {
    if (item && (!standingQr || opened)) {
      qr.src = itemQrUrl.replace("{id}", encodeURIComponent(item.id));
      qr.setAttribute("data-item-id", String(item.id));
      qr.hidden = false;
      qrText.textContent = "用手机扫码，就《" + item.title + "》提出问题或意见建议";
    } else if (standingQr) {
      qr.src = standingQr;
      qr.removeAttribute("data-item-id");
      qrText.textContent = standingText;
    }
  }

  function showSlide() {
    if (!items.length) {
      slide.hidden = true;
      return;
    }
    index = index % items.length;
    var item = items[index];
    fill(slide, item);
    slide.setAttribute("data-item-id", String(item.id));
    var excerpt = slide.querySelector('[data-field="excerpt"]');
    var detail = details[item.id];
    var text = detail ? api.paragraphs(detail).join(" ") : "";
    excerpt.textContent = text.length > 120 ? text.slice(0, 120) + "……" : text;
    slide.hidden = false;
    Array.prototype.forEach.call(listing.children, function (entry, i) {
      entry.classList.toggle("is-current", i === index);
      if (i === index) entry.setAttribute("aria-current", "true");
      else entry.removeAttribute("aria-current");
    });
    showQrFor(item);
  }

  function startRotation() {
    window.clearInterval(rotateTimer);
    rotateTimer = window.setInterval(function () {
      if (opened || !items.length) return;
      index = (index + 1) % items.length;
      showSlide();
    }, rotateMs);
  }

  function renderList() {
    while (listing.firstChild) listing.removeChild(listing.firstChild);
    items.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kiosk-entry";
      button.setAttribute("data-item-id", String(item.id));
      button.textContent = item.title;
      button.addEventListener("click", function () { openItem(item); });
      li.appendChild(button);
      listing.appendChild(li);
    });
  }

  function load() {
    window.clearTimeout(loadTimer);
    api.getJSON(api.withParams(base + "items/", params)).then(function (data) {
      var fresh = (data.items || []).slice(0, count);
      var same = fresh.length === items.length && fresh.every(function (item, i) { return item.id === items[i].id; });
      items = fresh;
      if (!same) {
        index = 0;
        renderList();
      }
      setStatus(items.length ? "" : "暂无公开信息。");
      if (!opened) showSlide();
      loadTimer = window.setTimeout(load, refreshMs);
      // The excerpts come from each item's full text; a failure there only leaves an excerpt out.
      items.forEach(function (item) {
        if (details[item.id]) return;
        api.getJSON(base + "items/" + encodeURIComponent(item.id) + "/").then(function (detail) {
          details[item.id] = detail;
          if (!opened && items[index] && items[index].id === item.id) showSlide();
        }).catch(function () {});
      });
    }).catch(function () {
      setStatus(items.length ? "网络连接异常，正在显示已有信息，稍后自动更新。" : api.ERROR_TEXT + "稍后自动重试。", true);
      loadTimer = window.setTimeout(load, RETRY_MS);
    });
  }

  function resetIdle() {
    window.clearTimeout(idleTimer);
    if (opened) idleTimer = window.setTimeout(closeItem, idleMs);
  }

  function openItem(item) {
    opened = item;
    fill(article, item);
    var body = article.querySelector('[data-field="body"]');
    var show = function (detail) {
      if (opened !== item) return;
      fill(article, detail);
      api.fillParagraphs(body, detail);
    };
    if (details[item.id]) show(details[item.id]);
    else {
      while (body.firstChild) body.removeChild(body.firstChild);
      body.textContent = "正在加载正文……";
      api.getJSON(base + "items/" + encodeURIComponent(item.id) + "/").then(function (detail) {
        details[item.id] = detail;
        show(detail);
      }).catch(function () {
        if (opened === item) body.textContent = api.ERROR_TEXT;
      });
    }
    rotation.hidden = true;
    article.hidden = false;
    article.scrollTop = 0;
    root.classList.add("is-reading");
    showQrFor(item);
    resetIdle();
  }

  function closeItem() {
    window.clearTimeout(idleTimer);
    opened = null;
    article.hidden = true;
    rotation.hidden = false;
    root.classList.remove("is-reading");
    showSlide();
    startRotation();
  }

  slide.addEventListener("click", function () {
    if (items.length) openItem(items[index]);
  });
  document.getElementById("kiosk-back").addEventListener("click", closeItem);
  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    (name === "scroll" ? article : document).addEventListener(name, resetIdle, { passive: true });
  });

  load();
  startRotation();
})();
