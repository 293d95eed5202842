/* The map page (/): outlines, the agreement's layers and the incidents coloured by status.
 *
 * Data: the page's own dict (CF.pageData(), the same as /index.json) for the filter choices;
 * GET /api/v1/agreement (layers), /api/v1/incidents (GeoJSON), /api/v1/findings (explanations),
 * and the offline outlines under /static/vendor/outlines/. The filter rule is the one in
 * ceasefire/web/mapdata.py, so a shared URL shows the same incidents as its JSON twin.
 * When everything is drawn: document.body.dataset.ready = "true".
 */
(function () {
  "use strict";

  var RANK = { violation: 3, possible_violation: 2, exempt: 1 };
  var ZONE_COLORS = { designated_area: "#7b3294", besieged_area: "#8c510a", demilitarized_zone: "#1b7837",
                      security_zone: "#c51b7d", other: "#4d4d4d" };
  var ZONE_LABELS = { designated_area: "Designated area", besieged_area: "Besieged area",
                      demilitarized_zone: "Demilitarized zone", security_zone: "Security zone", other: "Zone" };
  var PLURALS = { violation: "violations", possible_violation: "possible violations", exempt: "exempt incidents",
                  no_finding: "incidents without a finding" };  // as mapdata.py words them
  var page = CF.pageData() || {};
  var state = readState();
  var view = { map: null, cluster: null, disc: null, days: [], incidents: [], findings: {}, markers: {} };

  function readState() {
    var q = CF.query();
    return { from: q.from || "", to: q.to || "", party: q.party || "", obligation: q.obligation || "",
             status: (q.status || "").split(",").filter(Boolean) };
  }

  // ---- the filter rule (same as mapdata.py) ----
  function worst(statuses) {
    var best = null;
    statuses.forEach(function (s) { if (best === null || (RANK[s] || 0) > (RANK[best] || 0)) best = s; });
    return best;
  }

  function statusOf(incident) {
    var own = incident.properties.findings.map(function (id) { return view.findings[id]; }).filter(Boolean);
    if (!state.party && !state.obligation) {
      return own.length ? worst(own.map(function (f) { return f.status; })) : "no_finding";
    }
    var matching = own.filter(function (f) {
      return (!state.party || f.parties.indexOf(state.party) >= 0) &&
             (!state.obligation || f.obligation === state.obligation);
    });
    return matching.length ? worst(matching.map(function (f) { return f.status; })) : null;
  }

  function shown() {
    var out = [];
    view.incidents.forEach(function (incident) {
      var day = incident.properties.date;
      if ((state.from && day < state.from) || (state.to && day > state.to)) return;
      var status = statusOf(incident);
      if (status === null) return;
      if (state.status.length && state.status.indexOf(status) < 0) return;
      out.push({ incident: incident, status: status });
    });
    out.sort(function (a, b) {
      var x = a.incident.properties, y = b.incident.properties;
      return x.date < y.date ? -1 : x.date > y.date ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
    });
    return out;
  }

  // ---- filters ----
  function dayList(features) {
    var dates = features.map(function (f) { return f.properties.date; }).sort();
    if (!dates.length) return [];
    var days = [], day = new Date(dates[0] + "T00:00:00Z"), last = new Date(dates[dates.length - 1] + "T00:00:00Z");
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

  function apply() {
    CF.setQuery({ from: state.from, to: state.to, party: state.party, obligation: state.obligation,
                  status: state.status.join(",") });
    draw();
  }

  // ---- drawing ----
  function markerIcon(status) {
    return L.divIcon({ className: "incident-icon", iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8],
                       html: '<span class="incident-dot ' + status + '"></span>' });
  }

  // A divIcon whose element gets an aria-label: Leaflet makes a marker's element a focusable
  // role=button but names it only by `title`, which markercluster never sets on a cluster.
  // Made on first use: without the vendored libraries L is missing and start() says so.
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

  function clusterIcon(cluster) {
    var statuses = cluster.getAllChildMarkers().map(function (m) { return m.options.cfStatus; });
    var top = worst(statuses) || "no_finding", count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 50 ? 36 : 42;
    // the name starts with the visible number (WCAG 2.5.3, label in name)
    var label = count + " incidents; worst status: " + CF.statusLabel(top).toLowerCase() + ". Zoom in to see them";
    return labelledIcon({ className: "incident-cluster", iconSize: [size, size], label: label,
                          html: '<span class="cluster-badge" style="border-color:' + CF.statusColor(top) + '">' +
                                count + "</span>" });
  }

  function draw() {
    var rows = shown();
    view.cluster.clearLayers();
    view.markers = {};
    var markers = rows.map(function (row) {
      var p = row.incident.properties, c = row.incident.geometry.coordinates;
      var marker = L.marker([c[1], c[0]], { icon: markerIcon(row.status), cfStatus: row.status,
                                            title: p.date + " " + p.location + ": " + CF.statusLabel(row.status),
                                            alt: CF.statusLabel(row.status), riseOnHover: true });
      marker.bindPopup(function () { return popupContent(row); }, { maxWidth: 360, minWidth: 240 });
      marker.on("popupopen", function () { showDisc(row.incident); });
      marker.on("popupclose", hideDisc);
      view.markers[p.id] = marker;
      return marker;
    });
    view.cluster.addLayers(markers);
    drawList(rows);
    var text = rows.length + " incident" + (rows.length === 1 ? "" : "s") + " shown";
    byId("shown-count").textContent = text;
    byId("filter-sentence").textContent = sentence(rows.length);
    CF.announce(text);
  }

  function sentence(count) {
    var parts = [];
    if (state.status.length) parts.push(state.status.map(function (s) { return PLURALS[s] || s; }).join(", "));
    if (state.from || state.to) parts.push("from " + (state.from || "the start") + " to " + (state.to || "the end"));
    if (state.party) parts.push("involving " + state.party);
    if (state.obligation) parts.push("under obligation " + state.obligation);
    return count + " of " + view.incidents.length + " incidents" + (parts.length ? ": " + parts.join("; ") : "");
  }

  function drawList(rows) {
    var list = byId("incident-list");
    list.textContent = "";
    rows.forEach(function (row) {
      var p = row.incident.properties;
      var button = CF.el("button", { type: "button", "data-incident": p.id, onclick: function () { openIncident(p.id); } },
                         CF.el("span", { class: "swatch " + row.status, "aria-hidden": "true" }),
                         CF.el("span", {}, p.date + " · " + (p.location || p.id) + " · " + CF.statusLabel(row.status)));
      list.appendChild(CF.el("li", {}, button));
    });
    if (!rows.length) list.appendChild(CF.el("li", { class: "hint" }, "No incident matches these filters."));
  }

  function openIncident(id) {
    var marker = view.markers[id];
    if (!marker) return;
    view.cluster.zoomToShowLayer(marker, function () {
      marker.openPopup();
      var close = document.querySelector(".leaflet-popup-close-button");
      if (close) close.focus();
    });
  }

  function popupContent(row) {
    var p = row.incident.properties, box = CF.el("div", { class: "popup" });
    // h2: the page has h1 then h2s; the popup sits in the map, before "Incidents shown"
    box.appendChild(CF.el("h2", {}, (p.location || p.id) + ", " + p.date));
    box.appendChild(CF.el("p", {}, CF.statusChip(row.status), " · ", p.event_type + (p.sub_event_type ? " / " + p.sub_event_type : "")));
    var actors = [p.actor1, p.actor2].filter(Boolean).join(" against ");
    if (actors) box.appendChild(CF.el("p", {}, actors + (p.fatalities ? " · " + p.fatalities + " killed" : "")));
    box.appendChild(CF.el("p", { class: "meta" }, "Sources: " + (p.source_name || "not named") +
                          (p.source ? " (" + p.source + " data)" : "")));
    box.appendChild(CF.el("p", { class: "meta" }, precision(p)));
    p.findings.forEach(function (id) {
      var f = view.findings[id];
      if (!f) return;
      box.appendChild(CF.el("div", { class: "finding" },
        CF.el("p", {}, CF.statusChip(f.status), " ", CF.el("strong", {}, f.obligation), " · " + f.parties.join(", ") +
              " · confidence " + Math.round(f.confidence * 100) + "%"),
        CF.el("p", { class: "explanation" }, f.explanation)));
    });
    if (!p.findings.length) box.appendChild(CF.el("p", {}, "No finding: no obligation applies to this incident."));
    box.appendChild(CF.el("p", { class: "meta" }, "Incident " + p.id));
    return box;
  }

  function precision(p) {
    var level = { 1: "exact place", 2: "near the named place", 3: "somewhere in the region" }[p.geo_precision] || "place";
    var radius = p.radius_m ? " (±" + (p.radius_m >= 1000 ? (p.radius_m / 1000).toFixed(1) + " km" : p.radius_m + " m") + ")" : "";
    return "Location: " + level + radius + (p.admin1 ? ", " + p.admin1 : "");
  }

  function showDisc(incident) {
    hideDisc();
    var r = incident.properties.radius_m, c = incident.geometry.coordinates;
    if (!r) return;
    view.disc = L.circle([c[1], c[0]], { radius: r, color: "#16324f", weight: 2, dashArray: "6 5", fillOpacity: 0.08,
                                         interactive: false, className: "precision-disc" }).addTo(view.map);
  }

  function hideDisc() {
    if (view.disc) { view.map.removeLayer(view.disc); view.disc = null; }
  }

  // ---- layers ----
  function outlines(map, countries, admin1) {
    map.createPane("outlines").style.zIndex = 250;  // below the agreement's layers (overlayPane, 400)
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

  function start() {
    if (typeof L === "undefined" || !L.markerClusterGroup) {
      CF.showError("map-error", new Error("the map libraries are missing from /static/vendor; run `make setup`"));
      CF.ready();
      return;
    }
    var api = page.api || { agreement: "/api/v1/agreement", incidents: "/api/v1/incidents", findings: "/api/v1/findings" };
    Promise.all([
      optional(api.agreement), CF.getAll(api.incidents, "features"), CF.getAll(api.findings, "findings"),
      optional("/static/vendor/outlines/countries.geojson"), optional("/static/vendor/outlines/admin1.geojson")
    ]).then(function (answers) {
      build(answers[0], answers[1], answers[2], answers[3], answers[4]);
    }).catch(function (error) {
      CF.showError("map-error", error);
      CF.ready();
    });
  }

  function build(agreement, incidents, findings, countries, admin1) {
    var node = byId("map"), tiles = node.dataset.tileUrl;
    var map = L.map(node, { zoomSnap: 0.25, worldCopyJump: true, minZoom: 2, maxZoom: 18 });
    view.map = map;
    if (tiles) L.tileLayer(tiles, { maxZoom: 18, attribution: "Map tiles: " + new URL(tiles, location.href).host }).addTo(map);
    else outlines(map, countries, admin1);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (!tiles && countries) map.attributionControl.addAttribution("Outlines: Natural Earth");
    var layers = agreement && agreement.layers ? agreement.layers : { type: "FeatureCollection", features: [] };
    var group = agreementLayers(map, layers);
    legend(map, layers);
    findings.findings.forEach(function (f) { view.findings[f.id] = f; });
    view.incidents = incidents.features;
    view.days = dayList(view.incidents);
    view.cluster = L.markerClusterGroup({ maxClusterRadius: 36, disableClusteringAtZoom: 11, iconCreateFunction: clusterIcon,
                                          showCoverageOnHover: false, spiderfyOnMaxZoom: true });
    map.addLayer(view.cluster);
    setupFilters();
    draw();
    // the list just drawn can change the layout: measure the map again before fitting, and
    // whenever its box changes later (a phone turned sideways, a panel opened)
    map.invalidateSize();
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize(); }).observe(node);
    fit(map, group);
    CF.ready();
  }

  // The agreement's layers and the incidents: layers alone can be one city (Aleppo) while the
  // incidents that matter lie elsewhere (Deir ez-Zor, 17 Sep 2016).
  function fit(map, group) {
    var bounds = L.latLngBounds([]), layers = group.getBounds();
    if (layers.isValid()) bounds.extend(layers);
    view.incidents.forEach(function (f) { bounds.extend([f.geometry.coordinates[1], f.geometry.coordinates[0]]); });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24] });
    else map.setView([35, 38], 5);
  }

  start();
})();
