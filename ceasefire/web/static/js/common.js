/* ceasefire dashboard: helpers every page may use, as window.CF (a classic script, no build).
 *
 *   CF.getJSON(url)            -> Promise of the parsed JSON; same-origin cookies are sent, so the
 *                                 caller sees what their sign-in allows. Rejects with an Error whose
 *                                 message is the problem+json "detail" (or the HTTP status).
 *   CF.getAll(url, key)        -> Promise of a paged list's first answer with body[key] holding the
 *                                 items of every page: follows "next" (limit=1000) to the last page.
 *   CF.pageData()              -> the page's own data, when its template embeds it as
 *                                 <script type="application/json" id="page-data">{{ data|tojson }}</script>
 *                                 (null otherwise). The same dict is served at the page's .json twin.
 *   CF.el(tag, attrs, ...kids) -> a DOM element; attrs sets attributes (class, id, aria-*, data-*,
 *                                 on<event> functions); kids are nodes or strings (as text, never HTML).
 *   CF.query()                 -> the URL's query string as a plain object {name: value}.
 *   CF.setQuery(obj)           -> replace the query string (history.replaceState); empty values dropped.
 *   CF.STATUSES                -> ["violation", "possible_violation", "exempt", "no_finding"].
 *   CF.statusColor(status)     -> the status's colour (Okabe–Ito, matches .swatch.STATUS in site.css).
 *   CF.statusLabel(status)     -> "Violation", "Possible violation", "Exempt", "No finding".
 *   CF.statusChip(status)      -> a <span class="status"> with a swatch and the label.
 *   CF.announce(text)          -> say text to screen readers (a polite live region in base.html).
 *   CF.ready()                 -> mark the page drawn: document.body.dataset.ready = "true" (tests wait for it).
 *   CF.showError(where, error) -> put a visible role=alert message into the element `where`.
 */
(function () {
  "use strict";

  var STATUSES = ["violation", "possible_violation", "exempt", "no_finding"];
  var COLORS = { violation: "#d55e00", possible_violation: "#e69f00", exempt: "#0072b2", no_finding: "#8a8f96" };
  var LABELS = { violation: "Violation", possible_violation: "Possible violation", exempt: "Exempt",
                 no_finding: "No finding" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        var type = answer.headers.get("content-type") || "";
        var body = type.indexOf("json") >= 0 ? answer.json() : answer.text();
        return body.then(function (data) {
          if (!answer.ok) {
            var detail = data && data.detail ? data.detail : "HTTP " + answer.status;
            var error = new Error(url + ": " + detail);
            error.status = answer.status;
            throw error;
          }
          return data;
        });
      });
  }

  // A list endpoint answers a page at a time (issue 14): ask for the largest pages and follow
  // "next" until it is null, gathering body[key] of every page into the first answer.
  function getAll(url, key) {
    var first = null;
    function more(cursor) {
      var sep = url.indexOf("?") >= 0 ? "&" : "?";
      var next = url + sep + "limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      return getJSON(next).then(function (body) {
        if (first === null) first = body;
        else first[key] = first[key].concat(body[key]);
        return body.next ? more(body.next) : first;
      });
    }
    return more(null);
  }

  function pageData() {
    var node = document.getElementById("page-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name.slice(0, 2) === "on" && typeof value === "function") {
        node.addEventListener(name.slice(2), value);
      } else if (name === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, kid) {
    if (kid === null || kid === undefined || kid === false) return;
    if (Array.isArray(kid)) { kid.forEach(function (k) { append(node, k); }); return; }
    node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
  }

  function query() {
    var out = {};
    new URLSearchParams(window.location.search).forEach(function (value, key) { out[key] = value; });
    return out;
  }

  function setQuery(values) {
    var params = new URLSearchParams();
    Object.keys(values).forEach(function (key) {
      var value = values[key];
      if (value !== null && value !== undefined && value !== "") params.set(key, value);
    });
    var text = params.toString();
    var url = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
    window.history.replaceState(null, "", url);
    var twin = document.querySelector('link[rel="alternate"][type="application/json"]');
    var footer = document.querySelector('.site-footer a[type="application/json"]');
    if (twin) {
      var base = twin.getAttribute("href").split("?")[0];
      var href = base + (text ? "?" + text : "");
      twin.setAttribute("href", href);
      if (footer) { footer.setAttribute("href", href); footer.textContent = href; }
    }
  }

  function statusColor(status) { return COLORS[status] || COLORS.no_finding; }
  function statusLabel(status) { return LABELS[status] || String(status); }

  function statusChip(status) {
    return el("span", { class: "status" }, el("span", { class: "swatch " + status, "aria-hidden": "true" }),
              statusLabel(status));
  }

  function announce(text) {
    var region = document.getElementById("cf-announce");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function ready() { document.body.dataset.ready = "true"; }

  function showError(where, error) {
    var box = typeof where === "string" ? document.getElementById(where) : where;
    if (!box) return;
    box.textContent = "";
    box.appendChild(el("p", { class: "notice notice-error", role: "alert" },
                       "Could not load the data: " + (error && error.message ? error.message : error)));
  }

  window.CF = {
    STATUSES: STATUSES, getJSON: getJSON, getAll: getAll, pageData: pageData, el: el, query: query, setQuery: setQuery,
    statusColor: statusColor, statusLabel: statusLabel, statusChip: statusChip, announce: announce,
    ready: ready, showError: showError
  };
})();
