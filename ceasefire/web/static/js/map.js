/* The map page (/): outlines, the agreement's layers and the incidents coloured by status.
 *
 * The map asks the server for what it shows (issue 14): GET /api/v1/map?bbox=W,S,E,N&zoom=Z with
 * the filters answers the clusters and single incidents of the box, counted and filtered on the
 * server (ceasefire/api/maps.py); each move or zoom asks again. The counts, the sentence and the
 * incident list come from the page's JSON twin (/index.json, the first page embedded in the page,
 * later pages with its `next` cursor); a marker's popup reads /api/v1/map/incidents/ID. A marker
 * is an event (issue 13): its popup lists the event's records (source, grade, what each says).
 * GET /api/v1/agreement (layers) and the offline outlines under /static/vendor/outlines/.
 * When everything is drawn: document.body.dataset.ready = "true"; while a filter change is being
 * answered, "false".
 */
(function () {
  "use strict";

  var ZONE_COLORS = { designated_area: "#7b3294", besieged_area: "#8c510a", demilitarized_zone: "#1b7837",
                      security_zone: "#c51b7d", other: "#4d4d4d" };
  var ZONE_LABELS = { designated_area: "Designated area", besieged_area: "Besieged area",
                      demilitarized_zone: "Demilitarized zone", security_zone: "Security zone", other: "Zone" };
  var POPUP_ZOOM = 9;  // a list row's popup opens at least this close
  var page = CF.pageData() || {};
  var state = readState();
  var view = { map: null, layer: null, disc: null, days: [], asked: 0, listed: 0, next: null, pending: 0 };

  function readState() {
    var q = CF.query();
    return { from: q.from || "", to: q.to || "", party: q.party || "", obligation: q.obligation || "",
             status: (q.status || "").split(",").filter(Boolean) };
  }

  function filterQuery(extra) {
    var params = new URLSearchParams();
    ["from", "to", "party", "obligation"].forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    if (state.status.length) params.set("status", state.status.join(","));
    Object.keys(extra || {}).forEach(function (name) { params.set(name, extra[name]); });
    return params.toString();
  }

  // ---- filters ----
  function dayList(range) {
    if (!range) return [];
    var days = [], day = new Date(range[0] + "T00:00:00Z"), last = new Date(range[1] + "T00:00:00Z");
    while (day <= last && days.length < 3700) {
      days.push(day.toISOString().slice(0, 10));
      day.setUTCDate(day.getUTCDate() + 1);
    }
    return days;
  }

  function byId(id) { return document.getElementById(id); }

  function setupFilters() {
    var days = view.days, from = byId("range-from"), to = byId("range-to");
    byId("apply").hidden = true;  // with JavaScript every change applies at once
    [from, to].forEach(function (input) {
      input.max = String(Math.max(days.length - 1, 0));
      input.disabled = days.length === 0;
    });
    ["date-from", "date-to"].forEach(function (id) {
      if (days.length) { byId(id).min = days[0]; byId(id).max = days[days.length - 1]; }
    });
    syncDateInputs();
    from.addEventListener("input", function () { onRange(from, to, "from"); });
    to.addEventListener("input", function () { onRange(from, to, "to"); });
    byId("date-from").addEventListener("change", function () { state.from = byId("date-from").value; apply(); });
    byId("date-to").addEventListener("change", function () { state.to = byId("date-to").value; apply(); });
    byId("party").addEventListener("change", function () { state.party = byId("party").value; apply(); });
    byId("obligation").addEventListener("change", function () { state.obligation = byId("obligation").value; apply(); });
    byId("status-choices").addEventListener("change", function () {
      state.status = Array.prototype.slice.call(document.querySelectorAll('#status-choices input:checked'))
        .map(function (box) { return box.value; });
      apply();
    });
    byId("filters").addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    byId("reset").addEventListener("click", function (event) {
      event.preventDefault();
      state = { from: "", to: "", party: "", obligation: "", status: [] };
      byId("party").value = ""; byId("obligation").value = "";
      document.querySelectorAll("#status-choices input").forEach(function (box) { box.checked = false; });
      syncDateInputs();
      apply();
    });
  }

  function onRange(from, to, moved) {
    var a = Number(from.value), b = Number(to.value);
    if (a > b) { if (moved === "from") to.value = String(a); else from.value = String(b); }
    var first = view.days[Number(from.value)], last = view.days[Number(to.value)];
    // the whole span is no filter at all: keep the URL short
    state.from = Number(from.value) === 0 ? "" : first;
    state.to = Number(to.value) === view.days.length - 1 ? "" : last;
    syncDateInputs();
    apply();
  }

  function syncDateInputs() {
    var days = view.days, from = byId("range-from"), to = byId("range-to");
    if (!days.length) return;
    var a = state.from ? Math.max(0, days.indexOf(state.from)) : 0;
    var b = state.to ? days.indexOf(state.to) : days.length - 1;
    if (state.from && days.indexOf(state.from) < 0) a = state.from < days[0] ? 0 : days.length - 1;
    if (state.to && b < 0) b = state.to > days[days.length - 1] ? days.length - 1 : 0;
    from.value = String(a); to.value = String(b);
    from.setAttribute("aria-valuetext", days[a]); to.setAttribute("aria-valuetext", days[b]);
    byId("date-from").value = state.from || days[a];
    byId("date-to").value = state.to || days[b];
  }

  // A filter changed: the URL at once, then the list (the twin) and the map's box, both from the
  // server; the page is ready again when both are drawn (a later change supersedes this one).
  function apply() {
    CF.setQuery({ from: state.from, to: state.to, party: state.party, obligation: state.obligation,
                  status: state.status.join(",") });
    document.body.dataset.ready = "false";
    var asked = ++view.pending;
    Promise.all([CF.getJSON("/index.json?" + filterQuery()), loadBox()]).then(function (answers) {
      if (asked !== view.pending) return;
      showList(answers[0], false);
      CF.ready();
    }).catch(failed);
  }

  function failed(error) {
    CF.showError("map-error", error);
    CF.ready();
  }

  // ---- the map's box: clusters and single incidents from the server ----
  function boxQuery() {
    var map = view.map, b = map.getBounds().pad(0.5);
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180);
    if (b.getEast() - b.getWest() >= 360) { west = -180; east = 180; }
    var box = [west, Math.max(b.getSouth(), -90), east, Math.min(b.getNorth(), 90)].map(function (v) { return v.toFixed(5); });
    return filterQuery({ bbox: box.join(","), zoom: String(Math.floor(map.getZoom())) });
  }

  // Resolves once the box's answer is drawn (an older answer arriving late is dropped).
  function loadBox() {
    var asked = ++view.asked;
    return CF.getJSON("/api/v1/map?" + boxQuery()).then(function (body) {
      if (asked === view.asked) drawBox(body);
    });
  }

  function markerIcon(status) {
    return L.divIcon({ className: "incident-icon", iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8],
                       html: '<span class="incident-dot ' + status + '"></span>' });
  }

  // A divIcon whose element gets an aria-label: Leaflet makes a marker's element a focusable
  // role=button but names it only by `title`.
  var LabelledIcon = null;

  function labelledIcon(options) {
    LabelledIcon = LabelledIcon || L.DivIcon.extend({
      createIcon: function (old) {
        var node = L.DivIcon.prototype.createIcon.call(this, old);
        if (this.options.label) node.setAttribute("aria-label", this.options.label);
        return node;
      }
    });
    return new LabelledIcon(options);
  }

  function clusterMarker(cluster) {
    var count = cluster.count, top = cluster.status;
    var size = count < 10 ? 30 : count < 50 ? 36 : count < 1000 ? 42 : 50;
    // the name starts with the visible number (WCAG 2.5.3, label in name)
    var label = count + " incidents; worst status: " + CF.statusLabel(top).toLowerCase() + ". Zoom in to see them";
    var icon = labelledIcon({ className: "incident-cluster", iconSize: [size, size], label: label,
                              html: '<span class="cluster-badge" style="border-color:' + CF.statusColor(top) + '">' +
                                    count + "</span>" });
    var marker = L.marker([cluster.lat, cluster.lon], { icon: icon, riseOnHover: true });
    marker.on("click", function () { zoomInto(cluster); });
    return marker;
  }

  function zoomInto(cluster) {
    var b = cluster.bbox, map = view.map;
    var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    var zoom = Math.max(map.getBoundsZoom(bounds.pad(0.2)), Math.floor(map.getZoom()) + 1);
    map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
  }

  function singleMarker(row) {
    var marker = L.marker([row.lat, row.lon], { icon: markerIcon(row.status), title: row.date + " " + row.location +
                                                ": " + CF.statusLabel(row.status), alt: CF.statusLabel(row.status),
                                                riseOnHover: true });
    marker.on("click", function () { openIncident(row.id, row.lat, row.lon, false); });
    return marker;
  }

  function drawBox(body) {
    view.layer.clearLayers();
    body.clusters.forEach(function (cluster) { view.layer.addLayer(clusterMarker(cluster)); });
    body.incidents.forEach(function (row) { view.layer.addLayer(singleMarker(row)); });
  }

  // ---- the list and the counts: the page's twin ----
  function showList(data, more) {
    var list = byId("incident-list");
    if (!more) {
      list.textContent = "";
      view.listed = 0;
      var text = data.shown + " incident" + (data.shown === 1 ? "" : "s") + " shown";
      byId("shown-count").textContent = text;
      byId("filter-sentence").textContent = data.description;
      CF.announce(text);
    }
    data.incidents.forEach(function (row) {
      var button = CF.el("button", { type: "button", "data-incident": row.id,
                                     onclick: function () { openIncident(row.id, row.lat, row.lon, true); } },
                         CF.el("span", { class: "swatch " + row.status, "aria-hidden": "true" }),
                         CF.el("span", {}, row.date + " · " + (row.location || row.id) + " · " + CF.statusLabel(row.status) +
                               (row.records > 1 ? " · " + row.records + " records" : "")));
      list.appendChild(CF.el("li", {}, button));
    });
    view.listed += data.incidents.length;
    if (!data.shown) list.appendChild(CF.el("li", { class: "hint" }, "No incident matches these filters."));
    view.next = data.next || null;
    moreButton(data.shown);
  }

  // Past the first page (1,000 rows), the next page on request, never the whole list at once.
  function moreButton(shown) {
    var button = byId("incident-more");
    if (!button) {
      button = CF.el("button", { type: "button", id: "incident-more", class: "button secondary", onclick: more });
      byId("incident-list").parentNode.appendChild(button);
    }
    button.hidden = !view.next;
    button.textContent = "Show more (" + view.listed + " of " + shown + " listed)";
  }

  function more() {
    if (!view.next) return;
    CF.getJSON("/index.json?" + filterQuery({ cursor: view.next })).then(function (data) {
      showList(data, true);
    }).catch(failed);
  }

  // ---- popups ----
  // The popup is the map's own (not a marker's): markers are redrawn on every move, the popup stays.
  function openIncident(id, lat, lon, fromList) {
    CF.getJSON("/api/v1/map/incidents/" + encodeURIComponent(id)).then(function (body) {
      var map = view.map;
      // at most the map's height less a margin: a tall popup scrolls instead of leaving the map
      var popup = L.popup({ maxWidth: 360, minWidth: 240, offset: [0, -4],
                            maxHeight: Math.max(160, map.getSize().y - 120) }).setLatLng([lat, lon])
        .setContent(popupContent(body.incident, body.findings, body.records || [], body.decisions || []));
      var open = function () {
        map.openPopup(popup);  // after any zoom below: a popup opened mid-animation is not panned into view
        showDisc(body.incident);
        if (fromList) {
          var close = document.querySelector(".leaflet-popup-close-button");
          if (close) close.focus();
        }
      };
      if (fromList && map.getZoom() < POPUP_ZOOM) {
        map.once("moveend", open);
        map.setView([lat, lon], POPUP_ZOOM);
      } else {
        open();
      }
    }).catch(failed);
  }

  function popupContent(p, findings, records, decisions) {
    var box = CF.el("div", { class: "popup" });
    // h2: the page has h1 then h2s; the popup sits in the map, before "Incidents shown"
    box.appendChild(CF.el("h2", {}, (p.location || p.id) + ", " + p.date));
    box.appendChild(CF.el("p", {}, CF.statusChip(p.status), " · ", p.event_type + (p.sub_event_type ? " / " + p.sub_event_type : "")));
    var actors = [p.actor1, p.actor2].filter(Boolean).join(" against ");
    if (actors) box.appendChild(CF.el("p", {}, actors + (p.fatalities ? " · " + p.fatalities + " killed" : "")));
    box.appendChild(CF.el("p", { class: "meta" }, "Sources: " + (p.source_name || "not named") +
                          (p.source ? " (" + p.source + " data)" : "")));
    box.appendChild(CF.el("p", { class: "meta" }, precision(p)));
    findings.forEach(function (f) {
      box.appendChild(CF.el("div", { class: "finding" },
        CF.el("p", {}, CF.statusChip(f.status), " ", CF.el("strong", {}, f.obligation), " · " + f.parties.join(", ") +
              " · confidence " + Math.round(f.confidence * 100) + "%"),
        CF.el("p", { class: "explanation" }, f.explanation)));
    });
    if (!findings.length) box.appendChild(CF.el("p", {}, "No finding: no obligation applies to this incident."));
    if (records.length > 1) box.appendChild(recordList(records));
    if (decisions.length) box.appendChild(decisionList(decisions));
    box.appendChild(CF.el("p", { class: "meta" }, "Incident " + p.id));
    return box;
  }

  // One event, several sources (issue 13): who reported it, graded, and what each record says.
  function recordList(records) {
    var section = CF.el("div", { class: "event-records" },
                        CF.el("h3", {}, records.length + " records of this event"));
    var list = CF.el("ul", {});
    records.forEach(function (r) {
      var who = r.perpetrator ? r.perpetrator + (r.parties.length ? " (" + r.parties.join(", ") + ")" : "") : "no perpetrator named";
      list.appendChild(CF.el("li", { "data-record": r.id },
        CF.el("strong", {}, (r.source_name || r.source) + " · grade " + r.grade), CF.el("br"),
        r.date + (r.date_end ? " to " + r.date_end : "") + " · " + (r.location || "no place name") +
        " · by " + who + " · " + r.fatalities + " killed", CF.el("br"),
        CF.el("span", { class: "meta" }, "Record " + r.id + " (" + r.source + ")")));
    });
    section.appendChild(list);
    return section;
  }

  // The analysts' decisions on these records' links, a split one included (its records then
  // stand apart, each with its own marker).
  function decisionList(decisions) {
    var section = CF.el("div", { class: "link-decisions" });
    decisions.forEach(function (d) {
      var what = d.decision === "confirm" ? "confirmed as one event" : "split: not one event";
      section.appendChild(CF.el("p", { class: "meta decision" }, d.records.join(" and ") + " " + what + " by an " +
                                d.role + " on " + d.at.slice(0, 10) + (d.reason ? ": " + d.reason : "")));
    });
    return section;
  }

  function precision(p) {
    var level = { 1: "exact place", 2: "near the named place", 3: "somewhere in the region" }[p.geo_precision] || "place";
    var radius = p.radius_m ? " (±" + (p.radius_m >= 1000 ? (p.radius_m / 1000).toFixed(1) + " km" : p.radius_m + " m") + ")" : "";
    return "Location: " + level + radius + (p.admin1 ? ", " + p.admin1 : "");
  }

  function showDisc(p) {
    hideDisc();
    if (!p.radius_m) return;
    view.disc = L.circle([p.lat, p.lon], { radius: p.radius_m, color: "#16324f", weight: 2, dashArray: "6 5",
                                           fillOpacity: 0.08, interactive: false, className: "precision-disc" })
      .addTo(view.map);
  }

  function hideDisc() {
    if (view.disc) { view.map.removeLayer(view.disc); view.disc = null; }
  }

  // ---- layers ----
  function outlines(map, countries, admin1) {
    var canvas = L.canvas({ padding: 0.5, pane: "outlines" });
    if (countries) {
      L.geoJSON(countries, { pane: "outlines", renderer: canvas, interactive: false,
                             style: { color: "#8f98a1", weight: 1, fillColor: "#f6f4ef", fillOpacity: 1 } }).addTo(map);
    }
    if (admin1) {
      L.geoJSON(admin1, { pane: "outlines", renderer: canvas, interactive: false,
                          style: { color: "#b3bac1", weight: 0.6, dashArray: "3 3", fill: false } }).addTo(map);
    }
  }

  function agreementLayers(map, layers) {
    var group = L.geoJSON(layers, {
      style: function (feature) {
        var p = feature.properties;
        if (p.layer === "zone") {
          var color = ZONE_COLORS[p.kind] || ZONE_COLORS.other;
          return { color: color, weight: 2, fillColor: color, fillOpacity: 0.12,
                   className: "agreement-layer layer-zone kind-" + p.kind };
        }
        if (p.layer === "route") return { color: "#16324f", weight: 4, className: "agreement-layer layer-route" };
        return { color: "#1b1f24", weight: 2.5, dashArray: "8 6", className: "agreement-layer layer-line" };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var kind = p.layer === "zone" ? (ZONE_LABELS[p.kind] || p.kind) : p.layer === "route" ? "Route" : "Line";
        // as text, never HTML: zone names come from the agreement (stored XSS, issue 11)
        layer.bindTooltip(CF.el("span", { text: kind + ": " + (p.name || p.id) }), { sticky: true });
      }
    }).addTo(map);
    return group;
  }

  function legend(map, layers) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      // closed on a phone, where it would cover half of the map
      var wide = !window.matchMedia || !window.matchMedia("(max-width: 52rem)").matches;
      var details = CF.el("details", { open: wide }, CF.el("summary", {}, "Legend"));
      var box = CF.el("div", { class: "legend" }, details);
      var body = CF.el("div", {}, CF.el("h2", {}, "Incidents"));
      details.appendChild(body);
      var list = CF.el("ul");
      CF.STATUSES.forEach(function (s) { list.appendChild(CF.el("li", {}, CF.statusChip(s))); });
      body.appendChild(list);
      var kinds = {}, keys = CF.el("ul");
      layers.features.forEach(function (f) { kinds[f.properties.layer + ":" + (f.properties.kind || "")] = f.properties; });
      Object.keys(kinds).sort().forEach(function (key) {
        var p = kinds[key];
        if (p.layer === "zone") {
          var color = ZONE_COLORS[p.kind] || ZONE_COLORS.other;
          keys.appendChild(CF.el("li", {}, CF.el("span", { class: "zone-key", style: "border-color:" + color + ";background:" + color + "22" }),
                                 ZONE_LABELS[p.kind] || p.kind));
        } else {
          var style = p.layer === "route" ? "border-top-color:#16324f" : "border-top-color:#1b1f24;border-top-style:dashed";
          keys.appendChild(CF.el("li", {}, CF.el("span", { class: "line-key", style: style }), p.layer === "route" ? "Route" : "Line"));
        }
      });
      if (keys.childNodes.length) { body.appendChild(CF.el("h2", {}, "Agreement")); body.appendChild(keys); }
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function optional(url) {
    return CF.getJSON(url).catch(function () { return null; });
  }

  // The outlines (2.2 MB raw, 0.5 MB gzipped) are asked for once the incidents are drawn: parsing
  // and painting them holds the page's one thread for a while, and the markers come first
  // (issue 14: markers within 2 s). The page is ready once both are drawn.
  function start() {
    if (typeof L === "undefined") {
      CF.showError("map-error", new Error("the map libraries are missing from /static/vendor; run `make setup`"));
      CF.ready();
      return;
    }
    var api = page.api || { agreement: "/api/v1/agreement" };
    var tiles = byId("map").dataset.tileUrl;
    Promise.all([optional(api.agreement), CF.getJSON("/api/v1/map?" + filterQuery({ zoom: "0" }))])
      .then(function (answers) { return build(answers[0], answers[1]); })
      .then(function () {
        if (tiles) return null;
        return Promise.all([optional("/static/vendor/outlines/countries.geojson"),
                            optional("/static/vendor/outlines/admin1.geojson")])
          .then(function (found) { drawOutlines(found[0], found[1]); });
      })
      .then(function () { CF.ready(); })
      .catch(failed);
  }

  function drawOutlines(countries, admin1) {
    outlines(view.map, countries, admin1);
    if (countries) view.map.attributionControl.addAttribution("Outlines: Natural Earth");
  }

  // The map, its layers, the list; resolves once the first box's clusters are drawn.
  function build(agreement, world) {
    var node = byId("map"), tiles = node.dataset.tileUrl;
    var map = L.map(node, { zoomSnap: 0.25, worldCopyJump: true, minZoom: 2, maxZoom: 18 });
    view.map = map;
    map.createPane("outlines").style.zIndex = 250;  // below the agreement's layers (overlayPane, 400)
    if (tiles) L.tileLayer(tiles, { maxZoom: 18, attribution: "Map tiles: " + new URL(tiles, location.href).host }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var layers = agreement && agreement.layers ? agreement.layers : { type: "FeatureCollection", features: [] };
    var group = agreementLayers(map, layers);
    legend(map, layers);
    view.days = dayList((page.choices || {}).dates);
    view.layer = L.layerGroup().addTo(map);
    map.on("popupclose", hideDisc);
    setupFilters();
    showList(page, false);
    // the list just drawn can change the layout: measure the map again before fitting, and
    // whenever its box changes later (a phone turned sideways, a panel opened)
    map.invalidateSize();
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize(); }).observe(node);
    fit(map, group, world.extent);
    return loadBox().then(function () {
      map.on("moveend", function () { loadBox().catch(failed); });
    });
  }

  // The agreement's layers and the incidents: layers alone can be one city (Aleppo) while the
  // incidents that matter lie elsewhere (Deir ez-Zor, 17 Sep 2016).
  function fit(map, group, extent) {
    var bounds = L.latLngBounds([]), layers = group.getBounds();
    if (layers.isValid()) bounds.extend(layers);
    if (extent) bounds.extend([[extent[1], extent[0]], [extent[3], extent[2]]]);
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24] });
    else map.setView([35, 38], 5);
  }

  start();
})();
