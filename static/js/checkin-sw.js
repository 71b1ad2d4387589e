// The check-in station's service worker: the page keeps working when the venue's network drops.
// The page (/checkin/) is network-first, so a fresh copy is used whenever there is one; the styles and
// scripts are cache-first, under a cache named after their digest (the server fills in VERSION).
// API requests are never cached: an answer to a scan must come from the server or from the page itself.
"use strict";

const VERSION = "__VERSION__";
const CACHE = "checkin-" + VERSION;
const PAGE = "/checkin/";
const SHELL = [
  PAGE,
  "/static/css/site.css",
  "/static/css/checkin.css",
  "/static/js/checkin.js",
  "/static/vendor/jsQR.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("checkin-") && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(PAGE, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(PAGE);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, {ignoreSearch: true});
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (url.pathname === PAGE) {
    event.respondWith(networkFirst(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
