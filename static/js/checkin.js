// The volunteer's check-in page: a camera, a scanner that types, and name search. The server answers each
// scan; when it cannot be reached the page decides from the roster it keeps in IndexedDB, queues the scan
// with its nonce and time, and sends the queue in order when the network returns.
(() => {
  "use strict";
  const root = document.getElementById("checkin");
  if (!root) {
    return;
  }
  const $ = (selector) => root.querySelector(selector);
  const data = root.dataset;
  // A paired device is a station; a signed-in volunteer scans for the convening, with no station.
  const station = data.station ? Number(data.station) : null;
  const session = data.session ? Number(data.session) : null;
  const whose = station ? {} : {convening: data.convening};
  const rosterKey = station || `convening:${data.convening}`;
  const urls = {
    checkin: data.checkinUrl,
    undo: data.undoUrl,
    roster: station ? data.rosterUrl : `${data.rosterUrl}?convening=${encodeURIComponent(data.convening)}`,
    page: data.page || data.scope,
  };
  const codeInput = $("[data-code]");
  const searchInput = $("[data-search]");
  const answerBox = $("[data-answer]");
  const video = $("[data-video]");
  const cameraButton = $("[data-camera]");
  const muteButton = $("[data-mute]");

  let csrf = data.csrf;
  let timeZone = data.timeZone;
  let roster = null; // the last roster: {data, byHash, byId}
  let count = 0;
  let queued = 0;
  let muted = localStorage.getItem("checkin-muted") === "1";

  const LABELS = {
    ok: "Checked in",
    already_checked_in: "Already checked in",
    unknown: "Unknown badge",
    cancelled: "Registration cancelled",
    unpaid: "Payment pending",
    waitlisted: "On the waiting list",
    wrong_session: "Registered for another session",
  };
  // The four answers a volunteer tells apart at a glance: green, orange, red, purple (and words, always).
  const KINDS = {
    ok: "ok", already_checked_in: "seen", unknown: "stop", cancelled: "stop",
    unpaid: "attention", waitlisted: "attention", wrong_session: "attention",
  };
  const ADVICE = {
    seen: "Look at the badge: if this is someone else, ask staff.",
    stop: "Do not let them in: send them to the registration desk.",
    attention: "Send them to the registration desk before letting them in.",
  };
  const SYMBOLS = {ok: "✓", seen: "!", stop: "✕", attention: "?", error: "✕", info: "↺"};
  const STATUS_WORDS = {cancelled: "cancelled", unpaid: "payment pending", waitlisted: "on the waiting list"};

  // --- IndexedDB: the roster (one per station) and the queue of scans decided offline --------------------

  const dbReady = new Promise((resolve, reject) => {
    const request = indexedDB.open("convening-checkin", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("rosters");
      request.result.createObjectStore("queue", {keyPath: "seq", autoIncrement: true});
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  async function stored(name, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  const queueItems = async () => (await stored("queue", "readonly", (s) => s.getAll()))
    .filter((item) => item.station === station);
  let forgotten = false; // the device was unpaired: nothing more is kept
  const saveRoster = () => roster && !forgotten && stored("rosters", "readwrite", (s) => s.put(roster.data, rosterKey));

  // --- talking to the server ------------------------------------------------------------------------------

  async function request(url, options = {}, timeout = 5000) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeout);
    try {
      return await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        signal: abort.signal,
        ...options,
        headers: {"Accept": "application/json", "X-CSRFToken": csrf, ...(options.headers || {})},
      });
    } finally {
      clearTimeout(timer);
    }
  }

  // The page's security token expires after an hour; a fresh page (not the cached copy) carries a new one.
  async function freshToken() {
    try {
      const page = await request(urls.page, {headers: {"Accept": "text/html"}});
      const html = new DOMParser().parseFromString(await page.text(), "text/html");
      const fresh = html.getElementById("checkin");
      if (!fresh) {
        return false;
      }
      csrf = fresh.dataset.csrf;
      return true;
    } catch {
      return false;
    }
  }

  // A POST, retried once with a fresh token after a 400; a network failure throws.
  async function post(url, body) {
    const send = () => request(url, {
      method: "POST", body: JSON.stringify(body), headers: {"Content-Type": "application/json"},
    });
    const response = await send();
    if (response.status === 400 && await freshToken()) {
      return send();
    }
    return response;
  }

  async function refreshRoster() {
    if (!navigator.onLine) {
      return;
    }
    try {
      let response = await request(urls.roster, {}, 15000);
      if (response.status === 400 && await freshToken()) {
        response = await request(urls.roster, {}, 15000);
      }
      if (response.status === 401 || response.status === 403) {
        unpaired();
        await forget({keepQueue: true}); // revoked: scans not sent yet are not thrown away
        return;
      }
      if (!response.ok) {
        return;
      }
      const fresh = await response.json();
      csrf = fresh.csrf_token || csrf;
      await useRoster(fresh);
      await saveRoster();
    } catch {
      // Offline or slow: the roster kept in IndexedDB stands.
    }
  }

  // Scans queued but not sent are admissions the roster cannot know of yet.
  async function useRoster(rosterData) {
    const byHash = new Map();
    const byId = new Map();
    for (const person of rosterData.people) {
      byId.set(person.id, person);
      if (person.h) {
        byHash.set(person.h, person);
      }
    }
    roster = {data: rosterData, byHash, byId, folded: new Map()};
    timeZone = rosterData.convening.time_zone || timeZone;
    const waiting = await queueItems();
    for (const item of waiting) {
      const person = byId.get(item.person);
      if (item.admitted && person && !person.admitted_at) {
        person.admitted_at = item.body.scanned_at;
        person.here = true;
      }
    }
    count = rosterData.admitted + waiting.filter((item) => item.admitted).length;
    showCount();
    showStatus();
  }

  // --- deciding a scan ------------------------------------------------------------------------------------

  function normalize(raw) {
    if (raw.length > 112) {
      return null;
    }
    const text = raw.toUpperCase().replace(/[ \t\r\n-]/g, "");
    if (!text.startsWith("C1")) {
      return null;
    }
    const body = text.slice(2).replace(/O/g, "0").replace(/[IL]/g, "1");
    return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(body) ? "C1" + body : null;
  }

  async function sha256(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  async function personFor(body) {
    if (!roster) {
      return null;
    }
    if (body.registration != null) {
      return roster.byId.get(body.registration) || null;
    }
    const token = normalize(body.token);
    return token ? roster.byHash.get(await sha256(token)) || null : null;
  }

  function newNonce() {
    if (crypto.randomUUID) {
      return crypto.randomUUID().replace(/-/g, "");
    }
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0"))
      .join("");
  }

  let chain = Promise.resolve();

  // Scans are handled one at a time, in the order they were made: the screen shows the latest answer.
  function scan(what) {
    const body = {...what, nonce: newNonce(), scanned_at: new Date().toISOString(), station, session, ...whose};
    chain = chain.then(() => handle(body)).catch(() => {});
    return chain;
  }

  async function handle(body) {
    if (navigator.onLine) {
      try {
        if (queued) {
          await syncQueue();
        }
        const response = await post(urls.checkin, body);
        if (response.status < 500) {
          await answered(body, response);
          return;
        }
      } catch {
        // The network failed: decided here below.
      }
    }
    await decideHere(body);
  }

  async function answered(body, response) {
    const answer = await response.json().catch(() => ({error: "The server's answer could not be read."}));
    if (!response.ok) {
      if (response.status === 401) {
        unpaired();
      }
      show({kind: "error", label: "Not checked in", message: answer.error || "Try again."});
      return;
    }
    count = answer.count;
    showCount();
    if (answer.result === "wrong_session") {
      // Their seat is in another workshop of this slot: say which, and let the volunteer decide.
      const what = body.token ? {token: body.token} : {registration: body.registration};
      answer.message = "Point them to their workshop, or let them in if there is room here.";
      show(answer, {override: () => scan({...what, override: true})});
      return;
    }
    show(answer, {nonce: answer.admitted && !answer.replayed ? body.nonce : null});
    const person = await personFor(body);
    if (person && answer.admitted) {
      person.admitted_at = body.scanned_at;
      person.here = true;
      await saveRoster();
    } else if (person && answer.previous && !person.admitted_at) {
      // Admitted at another station since the roster came: an offline scan must say so too.
      person.admitted_at = answer.previous.at;
      await saveRoster();
    }
  }

  async function decideHere(body) {
    const person = await personFor(body);
    let result = "ok";
    if (!person) {
      result = "unknown";
    } else if (person.status !== "ok") {
      result = person.status;
    } else if (person.admitted_at) {
      result = "already_checked_in";
    }
    const previous = result === "already_checked_in"
      ? {at: person.admitted_at, by: person.here ? "this station" : ""}
      : null;
    const admitted = result === "ok";
    await stored("queue", "readwrite", (s) => s.add({
      station, nonce: body.nonce, person: person ? person.id : null, admitted,
      body: {...body, offline: {result}},
    }));
    if (admitted) {
      person.admitted_at = body.scanned_at;
      person.here = true;
      count += 1;
      await saveRoster();
    }
    await showQueue();
    showCount();
    show(
      {result, label: LABELS[result], person: person && details(person), previous},
      {nonce: admitted ? body.nonce : null, offline: true},
    );
  }

  const details = (person) => ({
    name: person.name, badge_name: person.badge_name, role: person.role, ticket: person.ticket,
    notes: person.notes || [],
  });

  // --- the queue of scans decided offline -----------------------------------------------------------------

  let syncing = null;

  function syncQueue() {
    if (!syncing) {
      syncing = sendQueue().finally(() => {
        syncing = null;
      });
    }
    return syncing;
  }

  async function sendQueue() {
    if (!navigator.onLine) {
      return;
    }
    const conflicts = [];
    let refused = 0;
    let sent = 0;
    for (const item of await queueItems()) {
      let response;
      try {
        response = await post(urls.checkin, item.body);
      } catch {
        break; // still offline: the rest waits, in order
      }
      if (response.status >= 500) {
        break;
      }
      if (response.status === 401) {
        unpaired();
        break;
      }
      if (response.ok) {
        const answer = await response.json();
        if (item.admitted && !answer.admitted && answer.person) {
          conflicts.push(answer.person.badge_name || answer.person.name);
        }
      } else {
        refused += 1; // a 4xx a fresh token did not cure never will
      }
      await stored("queue", "readwrite", (s) => s.delete(item.seq));
      sent += 1;
    }
    await showQueue();
    if (sent) {
      await refreshRoster();
    }
    const notes = [];
    if (conflicts.length) {
      notes.push(`Admitted offline but already checked in elsewhere: ${conflicts.join(", ")}. Staff see it on the dashboard.`);
    }
    if (refused) {
      notes.push(`${refused} queued ${refused === 1 ? "scan was" : "scans were"} refused by the server.`);
    }
    if (notes.length) {
      $("[data-queue]").hidden = false;
      $("[data-queue]").textContent = notes.join(" ");
    }
  }

  async function showQueue() {
    queued = (await queueItems()).length;
    const line = $("[data-queue]");
    line.hidden = queued === 0;
    line.textContent = queued === 1 ? "1 scan waiting to be sent" : `${queued} scans waiting to be sent`;
  }

  // --- undo -----------------------------------------------------------------------------------------------

  async function undo(nonce) {
    if (syncing) {
      await syncing;
    }
    const item = (await queueItems()).find((entry) => entry.nonce === nonce);
    if (item) {
      await stored("queue", "readwrite", (s) => s.delete(item.seq));
      const person = roster && roster.byId.get(item.person);
      if (person) {
        person.admitted_at = null;
        person.here = false;
        await saveRoster();
      }
      count -= 1;
      await showQueue();
      showCount();
      show({kind: "info", label: "Check-in taken back", message: "It was never sent. Scan the right badge."});
      return;
    }
    try {
      const response = await post(urls.undo, {nonce, ...whose});
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        show({kind: "error", label: "Not taken back", message: answer.error || "Ask staff to correct it."});
        return;
      }
      count = answer.count;
      showCount();
      show({kind: "info", label: "Check-in taken back", message: "Scan the right badge."});
      refreshRoster();
    } catch {
      show({kind: "error", label: "Not taken back", message: "The server cannot be reached. Ask staff to correct it."});
    }
  }

  // --- the answer on screen -------------------------------------------------------------------------------

  let undoTimer = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text != null) {
      node.textContent = text;
    }
    return node;
  }

  function when(iso) {
    const moment = new Date(iso);
    const day = new Intl.DateTimeFormat("en-US", {timeZone, dateStyle: "medium"});
    const time = new Intl.DateTimeFormat("en-US", {timeZone, hour: "numeric", minute: "2-digit", timeZoneName: "short"})
      .format(moment);
    if (day.format(moment) === day.format(new Date())) {
      return `at ${time}`;
    }
    return `on ${new Intl.DateTimeFormat("en-US", {timeZone, weekday: "long", month: "long", day: "numeric"}).format(moment)} at ${time}`;
  }

  function show(answer, {nonce = null, offline = false, override = null} = {}) {
    const kind = answer.kind || KINDS[answer.result] || "stop";
    clearTimeout(undoTimer);
    const panel = element("div", "answer-panel");
    panel.append(element("p", "answer-verdict", `${SYMBOLS[kind]} ${answer.label || LABELS[answer.result]}`));
    if (offline) {
      panel.append(element("p", "answer-offline", "Offline: decided on this device; it will be sent when the network returns."));
    }
    const person = answer.person;
    if (person) {
      const name = element("p", "answer-badge-name");
      name.append(element("bdi", "", person.badge_name || person.name));
      panel.append(name);
      if (person.name && person.name !== person.badge_name) {
        const full = element("p", "answer-name");
        full.append(element("bdi", "", person.name));
        panel.append(full);
      }
      panel.append(element("p", "answer-details", [person.role, person.ticket].filter(Boolean).join(" · ")));
      if (person.notes && person.notes.length) {
        const notes = element("ul", "answer-notes");
        for (const note of person.notes) {
          notes.append(element("li", "", note));
        }
        panel.append(notes);
      }
    }
    if (answer.previous) {
      const by = answer.previous.by ? ` by ${answer.previous.by}` : "";
      panel.append(element("p", "answer-previous", `First checked in ${when(answer.previous.at)}${by}.`));
    }
    if (answer.elsewhere) {
      const seat = element("p", "answer-previous", "Registered at this time for ");
      seat.append(element("bdi", "", answer.elsewhere), ".");
      panel.append(seat);
    }
    if (answer.message || ADVICE[kind]) {
      panel.append(element("p", "answer-advice", answer.message || ADVICE[kind]));
    }
    const actions = element("div", "answer-actions");
    if (nonce) {
      const button = element("button", "button answer-undo", "Undo");
      button.type = "button";
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        button.remove();
        undo(nonce);
      });
      actions.append(button);
      undoTimer = setTimeout(() => button.remove(), 10000);
    }
    if (override) {
      const button = element("button", "button answer-override", "Let them in anyway");
      button.type = "button";
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        override();
      });
      actions.append(button);
    }
    const next = element("button", "button answer-next", "Next scan");
    next.type = "button";
    actions.append(next);
    panel.append(actions);
    answerBox.className = `answer answer-shown answer-${kind}`;
    answerBox.replaceChildren(panel);
    feedback(kind);
    refocus();
  }

  function dismiss() {
    clearTimeout(undoTimer);
    answerBox.className = "answer";
    answerBox.replaceChildren();
    refocus();
  }

  function showCount() {
    $("[data-count]").textContent = String(count);
    $("[data-count-words]").textContent = count === 1
      ? "person checked in at this door"
      : "people checked in at this door";
  }

  function showStatus() {
    // Announced as it changes: online or not, and how many names there are; the roster's age only offline.
    const parts = [navigator.onLine ? "Online" : "Offline: scans are decided on this device and sent later"];
    if (roster) {
      const age = navigator.onLine ? "" : `, from ${when(roster.data.generated_at)}`;
      parts.push(`${roster.data.people.length} names on this device${age}`);
    } else {
      parts.push("the list of names has not loaded yet");
    }
    $("[data-status]").textContent = parts.join(" · ") + ".";
  }

  function unpaired() {
    $("[data-status]").textContent = station
      ? "This device was unpaired by staff. Ask staff for a new pairing link."
      : "You are signed out. Sign in again to go on checking people in.";
  }

  // A device handed back keeps no names: its roster, its queue and its copy of the page go.
  async function forget({keepQueue = false} = {}) {
    forgotten = true;
    stopCamera();
    try {
      await stored("rosters", "readwrite", (s) => s.delete(rosterKey));
      for (const item of keepQueue ? [] : await queueItems()) {
        await stored("queue", "readwrite", (s) => s.delete(item.seq));
      }
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith("checkin-")).map((name) => caches.delete(name)));
    } catch {
      // Nothing kept, or no storage to clear.
    }
  }

  // --- sound and vibration --------------------------------------------------------------------------------

  let audio = null;
  const TONES = {ok: [[880, 1320], 0.09], seen: [[660, 660], 0.12], stop: [[196], 0.4], attention: [[523, 392], 0.16]};
  const BUZZ = {ok: 60, seen: [120, 80, 120], stop: [400], attention: [150, 80, 150, 80, 150]};

  // Browsers start sound only after a tap or a key: every gesture on the page wakes it.
  function wakeAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      audio = new Context();
    }
    if (audio && audio.state === "suspended") {
      audio.resume();
    }
  }

  function feedback(kind) {
    if (navigator.vibrate && BUZZ[kind]) {
      navigator.vibrate(BUZZ[kind]);
    }
    if (muted || !audio || !TONES[kind]) {
      return;
    }
    const [frequencies, length] = TONES[kind];
    frequencies.forEach((frequency, index) => {
      const start = audio.currentTime + index * length * 1.2;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = kind === "stop" ? "square" : "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + length);
    });
  }

  function showMute() {
    muteButton.setAttribute("aria-pressed", String(muted));
  }

  // --- the camera -----------------------------------------------------------------------------------------

  let stream = null;
  let decoderScript = null;
  let lastCode = "";
  let lastSeen = 0;
  const MAX_SIDE = 640; // frames are decoded at most this large: enough for a badge held up to a phone
  const EVERY_MS = 180;
  const SAME_CODE_MS = 3000;

  function loadDecoder() {
    decoderScript ??= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = data.decoderUrl;
      script.onload = resolve;
      script.onerror = () => {
        decoderScript = null;
        reject(new Error("The QR decoder could not be loaded."));
      };
      document.head.append(script);
    });
    return decoderScript;
  }

  async function chooseDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        if ((await window.BarcodeDetector.getSupportedFormats()).includes("qr_code")) {
          const detector = new window.BarcodeDetector({formats: ["qr_code"]});
          return async () => {
            const [code] = await detector.detect(video);
            return code ? code.rawValue : null;
          };
        }
      } catch {
        // Fall back to jsQR below.
      }
    }
    await loadDecoder();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", {willReadFrequently: true});
    return async () => {
      const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (!width || !height) {
        return null;
      }
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      const code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, {
        inversionAttempts: "dontInvert",
      });
      return code ? code.data : null;
    };
  }

  function cameraError(message) {
    const line = $("[data-camera-error]");
    line.hidden = !message;
    line.textContent = message;
  }

  async function startCamera() {
    cameraError("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraError("This browser cannot use the camera here: phones need the page over HTTPS. Use the code box or name search.");
      return;
    }
    let decode;
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: {ideal: "environment"}}, audio: false});
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      decode = await chooseDecoder();
    } catch (error) {
      stopCamera();
      cameraError(error.name === "NotAllowedError"
        ? "The camera was not allowed. Allow it in the browser's settings for this site, or use the code box or name search."
        : `The camera could not start (${error.message}). Use the code box or name search.`);
      return;
    }
    cameraButton.textContent = "Stop camera";
    const look = async () => {
      if (!stream) {
        return;
      }
      try {
        const text = await decode();
        const now = Date.now();
        // A badge held in front of the camera is scanned once, until it is out of sight for a while.
        if (text && !(text === lastCode && now - lastSeen < SAME_CODE_MS)) {
          scan({token: text});
        }
        if (text) {
          lastCode = text;
          lastSeen = now;
        }
      } catch {
        // A frame that could not be read: the next one may.
      }
      setTimeout(look, EVERY_MS);
    };
    look();
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
    }
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    cameraButton.textContent = "Scan with camera";
  }

  // --- name search ----------------------------------------------------------------------------------------

  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  const MAX_RESULTS = 8;

  function search() {
    const words = fold(searchInput.value).split(/\s+/).filter(Boolean);
    const list = $("[data-results]");
    const hint = $("[data-search-hint]");
    list.replaceChildren();
    if (!words.length) {
      hint.textContent = "";
      return;
    }
    if (!roster) {
      hint.textContent = "The list of names has not loaded yet: scan the badge, or try again in a moment.";
      return;
    }
    const found = [];
    for (const person of roster.data.people) {
      if (!roster.folded.has(person.id)) {
        roster.folded.set(person.id, fold(`${person.name} ${person.badge_name}`));
      }
      const haystack = roster.folded.get(person.id);
      if (words.every((word) => haystack.includes(word))) {
        found.push(person);
        if (found.length > MAX_RESULTS) {
          break;
        }
      }
    }
    if (!found.length) {
      hint.textContent = "Nobody by that name. Check the spelling, or send them to the registration desk.";
    } else if (found.length > MAX_RESULTS) {
      hint.textContent = `More than ${MAX_RESULTS} people match: type more of the name.`;
    } else {
      hint.textContent = found.length === 1 ? "1 person found." : `${found.length} people found.`;
    }
    for (const person of found.slice(0, MAX_RESULTS)) {
      const button = element("button", "checkin-result");
      button.type = "button";
      const badge = element("bdi", "checkin-result-name", person.badge_name || person.name);
      const state = person.status !== "ok"
        ? STATUS_WORDS[person.status] || person.status
        : person.admitted_at ? "already checked in" : "";
      const about = element("span", "checkin-result-about");
      if (person.badge_name && person.name !== person.badge_name) {
        about.append(element("bdi", "", person.name), " · ");
      }
      about.append([person.ticket, state].filter(Boolean).join(" · "));
      button.append(badge, about);
      button.addEventListener("click", () => {
        searchInput.value = "";
        list.replaceChildren();
        hint.textContent = "";
        codeInput.focus({preventScroll: true});
        scan({registration: person.id});
      });
      const item = document.createElement("li");
      item.append(button);
      list.append(item);
    }
  }

  // --- focus: a scanner that types always finds the code box ----------------------------------------------

  const touch = matchMedia("(pointer: coarse)").matches;

  function refocus() {
    const active = document.activeElement;
    if (active === searchInput || (active && active.closest("[data-results]"))) {
      return;
    }
    if (touch) {
      codeInput.setAttribute("inputmode", "none"); // a Bluetooth scanner types; the on-screen keyboard stays shut
    }
    codeInput.focus({preventScroll: true});
  }

  // --- wiring ---------------------------------------------------------------------------------------------

  $("[data-scan-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    wakeAudio();
    const text = codeInput.value.trim();
    codeInput.value = "";
    if (text) {
      scan({token: text});
    }
  });
  codeInput.addEventListener("pointerdown", () => codeInput.removeAttribute("inputmode"));
  codeInput.addEventListener("blur", (event) => {
    if (!event.relatedTarget) {
      setTimeout(refocus, 0);
    }
  });
  searchInput.addEventListener("input", search);
  cameraButton.addEventListener("click", () => {
    wakeAudio();
    if (stream) {
      stopCamera();
    } else {
      startCamera();
    }
  });
  const unpairForm = $("[data-unpair]");
  unpairForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const lost = queued === 1 ? "1 scan has" : `${queued} scans have`;
    if (queued && !window.confirm(`${lost} not been sent yet and will be lost. Unpair anyway?`)) {
      return;
    }
    await forget();
    unpairForm.submit();
  });
  muteButton.addEventListener("click", () => {
    muted = !muted;
    localStorage.setItem("checkin-muted", muted ? "1" : "0");
    showMute();
  });
  answerBox.addEventListener("click", dismiss);
  document.addEventListener("keydown", (event) => {
    wakeAudio();
    if (event.key === "Escape" && answerBox.childElementCount) {
      dismiss();
    }
  });
  document.addEventListener("pointerdown", wakeAudio);
  window.addEventListener("online", async () => {
    showStatus();
    await syncQueue();
    await refreshRoster();
  });
  window.addEventListener("offline", showStatus);
  window.addEventListener("pagehide", stopCamera);

  async function start() {
    showMute();
    showCount();
    refocus();
    if ("serviceWorker" in navigator && station) {
      navigator.serviceWorker.register(data.swUrl, {scope: data.scope}).catch(() => {});
    }
    try {
      const kept = await stored("rosters", "readonly", (s) => s.get(rosterKey));
      if (kept) {
        await useRoster(kept);
      }
    } catch {
      // No IndexedDB (a private window, say): the page works online only.
    }
    showStatus();
    await showQueue().catch(() => {});
    await syncQueue();
    await refreshRoster();
    root.dataset.ready = "true";
    setInterval(refreshRoster, 60000);
    setInterval(() => queued && syncQueue(), 15000);
  }

  start();
})();
