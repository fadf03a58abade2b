// 数字电视: a ten-foot interface for a remote control. Arrow keys move the focus, OK (Enter) opens,
// 返回 (Backspace, Escape or the browser's back) goes up one level: regions → units → items → item.
// Each level is a history entry, so the remote's back key and the browser's are the same thing.
(function () {
  "use strict";
  var root = document.getElementById("tv");
  if (!root || !window.fetch || !window.DisplayAPI) return;
  var api = window.DisplayAPI;
  var base = root.getAttribute("data-api-root");
  var list = document.getElementById("tv-list");
  var title = document.getElementById("tv-title");
  var status = document.getElementById("tv-status");
  var trail = document.getElementById("tv-trail");
  var article = document.getElementById("tv-item");
  var RETRY_SECONDS = 15;
  var BACK_KEYS = { Backspace: 1, Escape: 1, BrowserBack: 1, GoBack: 1 };
  var BACK_CODES = { 8: 1, 27: 1, 461: 1, 10009: 1 }; // 461 webOS, 10009 Tizen remote 返回
  var focusMemory = {}; // level key → index of the tile last opened there
  var token = 0;
  var retryTimer = null;

  function keyOf(state) { return state.level + ":" + (state.id || ""); }

  function setStatus(text, isError) {
    status.textContent = text || "";
    status.hidden = !text;
    status.classList.toggle("is-error", !!isError);
  }

  function setTrail(state) {
    while (trail.firstChild) trail.removeChild(trail.firstChild);
    var names = ["全部地区"].concat((state.path || []).map(function (step) { return step.title; }));
    names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      trail.appendChild(li);
    });
  }

  function tile(entry, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tv-tile tv-tile-" + entry.kind;
    button.setAttribute("data-index", String(index));
    button.setAttribute("data-kind", entry.kind);
    var name = document.createElement("span");
    name.className = "tv-tile-title";
    name.textContent = entry.title;
    button.appendChild(name);
    if (entry.sub) {
      var sub = document.createElement("span");
      sub.className = "tv-tile-sub";
      sub.textContent = entry.sub;
      button.appendChild(sub);
    }
    button.addEventListener("click", function () { open(entry); });
    return button;
  }

  function ready() { root.setAttribute("aria-busy", "false"); }

  function showTiles(state, entries, emptyText) {
    ready();
    while (list.firstChild) list.removeChild(list.firstChild);
    article.hidden = true;
    list.hidden = false;
    entries.forEach(function (entry, index) { list.appendChild(tile(entry, index)); });
    setStatus(entries.length ? "" : emptyText);
    var tiles = list.querySelectorAll(".tv-tile");
    if (tiles.length) {
      var index = Math.min(focusMemory[keyOf(state)] || 0, tiles.length - 1);
      tiles[index].focus();
    } else {
      title.focus();
    }
  }

  function fail(state) {
    ready();
    setStatus(api.ERROR_TEXT + RETRY_SECONDS + " 秒后自动重试。", true);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () { render(state); }, RETRY_SECONDS * 1000);
  }

  function parentOf(region) {
    return region.parent && typeof region.parent === "object" ? region.parent.id : region.parent;
  }

  function regionEntries(regions, units, parentId) {
    var ids = {};
    regions.forEach(function (region) { ids[region.id] = true; });
    var entries = regions
      // The top level is every region whose parent is not a region in the list.
      .filter(function (region) { return parentId || !ids[parentOf(region)]; })
      .map(function (region) {
        return { kind: "region", id: region.id, title: region.title, sub: region.unit_count ? region.unit_count + " 个单位" : "" };
      });
    units
      .filter(function (unit) { return !parentId || !unit.region || unit.region.id === parentId; })
      .forEach(function (unit) {
        var latest = unit.latest_published_at ? " · 最近 " + api.formatDate({ published_at: unit.latest_published_at }) : "";
        entries.push({ kind: "unit", id: unit.id, title: unit.title, sub: (unit.item_count || 0) + " 条" + latest });
      });
    return entries;
  }

  function render(state) {
    var mine = ++token;
    window.clearTimeout(retryTimer);
    setTrail(state);
    setStatus("正在加载……");
    // The old level's tiles go at once: a key pressed while loading must not act on them.
    while (list.firstChild) list.removeChild(list.firstChild);
    article.hidden = true;
    root.setAttribute("aria-busy", "true");
    var current = function () { return mine === token; };
    if (state.level === "regions") {
      title.textContent = "请选择地区";
      api.getAll(base + "regions/", { parent: "root" }).then(function (regions) {
        if (current()) showTiles(state, regionEntries(regions, [], null), "暂无地区。");
      }).catch(function () { if (current()) fail(state); });
    } else if (state.level === "region") {
      title.textContent = state.title + "：请选择单位";
      Promise.all([
        api.getAll(base + "regions/", { parent: state.id }),
        api.getAll(base + "units/", { region: state.id }),
      ]).then(function (results) {
        if (current()) showTiles(state, regionEntries(results[0], results[1], state.id), "该地区暂无公开单位。");
      }).catch(function () { if (current()) fail(state); });
    } else if (state.level === "unit") {
      title.textContent = state.title + "：最新公开信息";
      api.getJSON(api.withParams(base + "items/", { unit: state.id, limit: 20 })).then(function (data) {
        if (!current()) return;
        var entries = (data.items || []).map(function (item) {
          var sub = [api.formatDate(item), item.doc_number].filter(Boolean).join(" · ");
          return { kind: "item", id: item.id, title: item.title, sub: sub };
        });
        showTiles(state, entries, "该单位暂无公开信息。");
      }).catch(function () { if (current()) fail(state); });
    } else if (state.level === "item") {
      title.textContent = state.title;
      api.getJSON(base + "items/" + encodeURIComponent(state.id) + "/").then(function (item) {
        if (current()) showItem(item);
      }).catch(function () { if (current()) fail(state); });
    }
  }

  function showItem(item) {
    ready();
    while (list.firstChild) list.removeChild(list.firstChild);
    list.hidden = true;
    title.textContent = item.title;
    var fields = {
      unit: api.unitName(item),
      date: api.formatDate(item),
      doc_number: item.doc_number || "",
      catalog: api.catalogLabel(item),
      period: item.period || "",
    };
    Object.keys(fields).forEach(function (name) {
      var cell = article.querySelector('[data-field="' + name + '"]');
      if (cell) cell.textContent = fields[name];
      var row = article.querySelector('[data-when="' + name + '"]');
      if (row) row.hidden = !fields[name];
    });
    var body = article.querySelector('[data-field="body"]');
    api.fillParagraphs(body, item);
    article.hidden = false;
    article.scrollTop = 0;
    setStatus("");
    body.focus();
  }

  function open(entry) {
    var state = history.state || { level: "regions" };
    var tiles = Array.prototype.slice.call(list.querySelectorAll(".tv-tile"));
    var index = tiles.indexOf(document.activeElement);
    if (index >= 0) focusMemory[keyOf(state)] = index;
    var path = (state.path || []).concat([{ kind: entry.kind, id: entry.id, title: entry.title }]);
    var next = { level: entry.kind, id: entry.id, title: entry.title, path: path };
    history.pushState(next, "", "#/" + entry.kind + "/" + entry.id);
    render(next);
  }

  function back() {
    var state = history.state;
    if (state && state.level !== "regions") history.back();
  }

  // Spatial navigation: the nearest tile whose centre lies in the pressed direction.
  function move(direction) {
    var tiles = Array.prototype.slice.call(list.querySelectorAll(".tv-tile"));
    if (!tiles.length) return;
    var current = document.activeElement;
    if (tiles.indexOf(current) === -1) { tiles[0].focus(); return; }
    var from = current.getBoundingClientRect();
    var fx = from.left + from.width / 2, fy = from.top + from.height / 2;
    var best = null, bestScore = Infinity;
    tiles.forEach(function (candidate) {
      if (candidate === current) return;
      var rect = candidate.getBoundingClientRect();
      var dx = rect.left + rect.width / 2 - fx, dy = rect.top + rect.height / 2 - fy;
      var along = { ArrowRight: dx, ArrowLeft: -dx, ArrowDown: dy, ArrowUp: -dy }[direction];
      var across = direction === "ArrowRight" || direction === "ArrowLeft" ? Math.abs(dy) : Math.abs(dx);
      if (along <= 1) return;
      var score = along + across * 3;
      if (score < bestScore) { bestScore = score; best = candidate; }
    });
    if (best) {
      best.focus();
      best.scrollIntoView({ block: "nearest" });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (BACK_KEYS[event.key] || BACK_CODES[event.keyCode]) {
      event.preventDefault();
      back();
      return;
    }
    var state = history.state || {};
    if (event.key.indexOf("Arrow") === 0) {
      event.preventDefault();
      if (state.level === "item") {
        var step = article.clientHeight * 0.6;
        if (event.key === "ArrowDown") article.scrollBy({ top: step });
        if (event.key === "ArrowUp") article.scrollBy({ top: -step });
      } else {
        move(event.key);
      }
    } else if (event.key === "Enter") {
      var focused = document.activeElement;
      if (focused && focused.classList.contains("tv-tile")) {
        event.preventDefault();
        focused.click();
      }
    }
  });

  window.addEventListener("popstate", function (event) { render(event.state || { level: "regions" }); });

  var start = history.state && history.state.level ? history.state : { level: "regions" };
  if (!history.state) history.replaceState(start, "", location.pathname);
  render(start);
})();
