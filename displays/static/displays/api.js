// Shared by the 数字电视 and 党务公开栏 pages: reads of the public JSON API (Wagtail API v2).
// Everything the API returns is public (社会) and live; these pages show nothing else.
(function () {
  "use strict";
  var PAGE = 20; // Wagtail's API caps `limit` at 20 unless the site raises it

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function withParams(url, params) {
    var query = Object.keys(params)
      .filter(function (key) { return params[key] !== undefined && params[key] !== null && params[key] !== ""; })
      .map(function (key) { return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]); })
      .join("&");
    return query ? url + (url.indexOf("?") === -1 ? "?" : "&") + query : url;
  }

  // Every row of a listing, page by page (at most `max` rows).
  function getAll(url, params, max) {
    max = max || 1000;
    var rows = [];
    function next(offset) {
      var pageParams = Object.assign({}, params, { limit: PAGE, offset: offset });
      return getJSON(withParams(url, pageParams)).then(function (data) {
        var items = data.items || [];
        rows = rows.concat(items);
        var total = data.meta && typeof data.meta.total_count === "number" ? data.meta.total_count : rows.length;
        if (items.length && rows.length < total && rows.length < max) return next(offset + items.length);
        return rows;
      });
    }
    return next(0);
  }

  var dateFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric" });

  function formatDate(item) {
    var value = item.published_at || (item.meta && item.meta.first_published_at);
    if (!value) return "";
    var date = new Date(value);
    return isNaN(date.getTime()) ? "" : dateFormat.format(date);
  }

  function unitName(item) {
    var unit = item.unit || {};
    if (typeof unit === "string") return item.unit_name || unit;
    return unit.name || unit.title || "";
  }

  function catalogLabel(item) {
    return [item.catalog_code, item.catalog_name].filter(Boolean).join(" ");
  }

  // The body as paragraphs of plain text: the HTML is parsed (never inserted), so nothing in it runs.
  function paragraphs(item) {
    var out = [];
    if (item.body_html) {
      var doc = new DOMParser().parseFromString(item.body_html, "text/html");
      var blocks = doc.body.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, tr, blockquote, pre");
      Array.prototype.forEach.call(blocks, function (block) {
        if (block.querySelector("p, li, tr")) return; // the inner blocks speak for it
        var cells = block.tagName === "TR" ? Array.prototype.map.call(block.children, function (c) { return c.textContent.trim(); }).join("　") : block.textContent;
        var text = cells.replace(/\s+/g, " ").trim();
        if (text) out.push(text);
      });
      if (!out.length) {
        var whole = doc.body.textContent.replace(/\s+/g, " ").trim();
        if (whole) out.push(whole);
      }
    }
    if (!out.length && item.body_text) {
      item.body_text.split(/\n+/).forEach(function (line) {
        line = line.trim();
        if (line) out.push(line);
      });
    }
    return out;
  }

  function fillParagraphs(container, item) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var texts = paragraphs(item);
    if (!texts.length) texts = ["（本条信息无正文，详见附件或公开平台网站。）"];
    texts.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      container.appendChild(p);
    });
    (item.attachments || []).forEach(function (attachment) {
      var p = document.createElement("p");
      p.className = "attachment";
      p.textContent = "附件：" + (attachment.title || "") + (attachment.doc_number ? "（" + attachment.doc_number + "）" : "");
      container.appendChild(p);
    });
  }

  window.DisplayAPI = {
    getJSON: getJSON,
    getAll: getAll,
    withParams: withParams,
    formatDate: formatDate,
    unitName: unitName,
    catalogLabel: catalogLabel,
    paragraphs: paragraphs,
    fillParagraphs: fillParagraphs,
    ERROR_TEXT: "暂时无法获取公开信息，请稍后再试。",
  };
})();
