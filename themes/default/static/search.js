// mallette search: the header search box of every page (results as you type) and the search page
// (results, filters with live counts, state in the URL). Loaded with `defer` on every page; it
// fetches nothing until the visitor starts to search (focus or first keystroke in a search box,
// a filter, or a search page opened with a query in its URL). The engine then runs in a Web Worker
// (search/worker.<hash>.js), so typing never stutters. No inline script or style (CSP).
//
// Opened from disk (file://), a page can neither fetch nor start a worker: an `--offline` build
// names a bundle (`data-offline`, search/offline.<hash>.js) holding the worker's code and every
// search file; it is loaded as a plain script and the engine runs on the page.
(function () {
  "use strict";

  var script = document.currentScript;
  var manifestUrl = script && script.getAttribute("data-manifest");
  var offlineUrl = location.protocol === "file:" && script.getAttribute("data-offline");
  // Search files are gzipped: the browser inflates them (DecompressionStream).
  if (!manifestUrl || !window.WebAssembly || typeof DecompressionStream !== "function") return;
  if (!offlineUrl && (!window.Worker || !window.fetch)) return;
  manifestUrl = new URL(manifestUrl, document.baseURI).href;
  // Where the site's root is: result URLs are site paths (`/kits/…/`); from disk they become
  // relative file paths to the page's index.html.
  var siteRoot = new URL("../", manifestUrl).href;
  function hitUrl(url) {
    if (!offlineUrl || url.charAt(0) !== "/") return url;
    var path = url.slice(1), suffix = "", cut = path.search(/[?#]/);
    if (cut >= 0) { suffix = path.slice(cut); path = path.slice(0, cut); }
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html";
    return new URL(path + suffix, siteRoot).href;
  }

  var PAGE_SIZE = 20;
  var POPOVER_SIZE = 5;

  // ------------------------------------------------------------------ engine (worker)

  var manifestPromise = null;
  var worker = null;
  var nextId = 1;
  var waiting = {}; // id → {resolve, reject}
  var engineState = "idle"; // idle | loading | ready | failed

  // The offline bundle, loaded as a script (once): resolves to its data.
  var bundlePromise = null;
  function loadBundle() {
    if (!bundlePromise) {
      bundlePromise = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL(offlineUrl, document.baseURI).href;
        tag.onload = function () {
          if (window.malletteOfflineSearch && window.malletteSearchEngine) resolve(window.malletteOfflineSearch);
          else reject(new Error("search bundle: nothing loaded"));
        };
        tag.onerror = function () { reject(new Error("search bundle: not found")); };
        document.head.appendChild(tag);
      });
    }
    return bundlePromise;
  }

  // A stand-in for the worker on a page opened from disk: the same engine and messages, run on
  // the page (each message handled in a later task, as a worker would).
  function pageWorker(bundle) {
    var fake = { onmessage: null, onerror: null };
    var handle = window.malletteSearchEngine(function (m) {
      setTimeout(function () { if (fake.onmessage) fake.onmessage({ data: m }); }, 0);
    }, bundle);
    fake.postMessage = function (m) { setTimeout(function () { handle(m); }, 0); };
    return fake;
  }

  function loadManifest() {
    if (offlineUrl) return loadBundle().then(function (bundle) { return bundle.manifest; });
    if (!manifestPromise) {
      manifestPromise = fetch(manifestUrl).then(function (r) {
        if (!r.ok) throw new Error("search manifest: HTTP " + r.status);
        return r.json();
      });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }

  function setEngineState(s) {
    engineState = s;
  }

  // Starts the worker (once). Called when the visitor starts to search.
  var workerPromise = null;
  function boot() {
    if (!workerPromise) {
      setEngineState("loading");
      workerPromise = loadManifest().then(function (manifest) {
        worker = offlineUrl
          ? pageWorker(window.malletteOfflineSearch)
          : new Worker(new URL(manifest.worker, manifestUrl).href);
        worker.onmessage = onWorkerMessage;
        worker.onerror = function () { failAll("search worker error"); };
        worker.postMessage({ type: "init", manifestUrl: manifestUrl, manifest: manifest });
        return worker;
      });
      workerPromise.catch(function (e) { failAll(String(e && e.message || e)); });
    }
    return workerPromise;
  }

  function failAll(message) {
    setEngineState("failed");
    Object.keys(waiting).forEach(function (id) { waiting[id].reject(new Error(message)); });
    waiting = {};
  }

  function onWorkerMessage(event) {
    var m = event.data;
    if (m.type === "ready") {
      setEngineState("ready");
      return;
    }
    if (m.type === "error" && m.id === null) {
      failAll(m.message);
      return;
    }
    var w = waiting[m.id];
    if (!w) return;
    delete waiting[m.id];
    if (m.type === "results") w.resolve(m);
    else w.reject(new Error(m.message));
  }

  // Runs a query; only the newest query of a given `channel` resolves (older ones are dropped).
  var latestOfChannel = {};
  function search(channel, q, filters, limit, facets, sort) {
    var id = nextId++;
    latestOfChannel[channel] = id;
    return boot().then(function (w) {
      if (engineState === "failed") throw new Error("search unavailable");
      return new Promise(function (resolve, reject) {
        waiting[id] = { resolve: resolve, reject: reject };
        w.postMessage({ type: "search", id: id, q: q, filters: filters, limit: limit, facets: facets !== false, sort: sort || "" });
      });
    }).then(function (r) {
      if (latestOfChannel[channel] !== id) throw { stale: true };
      return r;
    });
  }

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function fill(template, n) {
    return (template || "").split("{n}").join(String(n));
  }

  function plural(strings, n) {
    return fill(n === 0 ? strings.zero : n === 1 ? strings.one : strings.many, n);
  }

  // The engine's snippet is HTML-escaped text with <mark> only; keep it that way.
  function snippetNode(html) {
    var p = el("p", { class: "search-hit-snippet" });
    var parts = String(html).split(/(<mark>|<\/mark>)/);
    var into = p;
    var text = document.createElement("textarea");
    parts.forEach(function (part) {
      if (part === "<mark>") { into = p.appendChild(document.createElement("mark")); return; }
      if (part === "</mark>") { into = p; return; }
      text.innerHTML = part; // decodes entities only: a textarea's content is never markup
      into.appendChild(document.createTextNode(text.value));
    });
    return p;
  }

  function labelMap(manifest, field) {
    var map = {};
    ((manifest.labels || {})[field] || []).forEach(function (pair) { map[pair[0]] = pair[1]; });
    return map;
  }

  function strings(node) {
    var d = node.dataset;
    return {
      zero: d.resultsZero, one: d.resultsOne, many: d.resultsMany,
      noResults: d.noResults, loading: d.loading, error: d.error,
      level: d.level, duration: d.duration, audiences: d.audiences,
      seeAll: d.seeAll, more: d.moreResults, lang: document.documentElement.lang || "fr",
      didYouMean: d.didYouMean, viaSynonym: d.viaSynonym, typeParcours: d.typePath,
      browseAll: d.browseAll
    };
  }

  // One result, as a card. `h` is the heading level of its title (0: not a heading).
  function hitNode(hit, manifest, s, h) {
    var levels = labelMap(manifest, "level"), audiences = labelMap(manifest, "audiences");
    var other = hit.language && hit.language.split("-")[0] !== s.lang.split("-")[0] ? hit.language : null;
    var meta = el("dl", { class: "card-meta" });
    var row = function (term, value) {
      if (value) meta.appendChild(el("div", null, [el("dt", { text: term }), el("dd", { text: value })]));
    };
    row(s.level, hit.level ? levels[hit.level] || hit.level : "");
    // The build writes each result's duration as pages show it.
    row(s.duration, hit.durationText || "");
    row(s.audiences, (hit.audiences || []).map(function (a) { return audiences[a] || a; }).join(", "));
    var snippet = hit.snippet ? snippetNode(hit.snippet) : null;
    if (snippet && other) snippet.setAttribute("lang", other);
    // Words this kit matched only through the lexicon: say which, so the hit is not a mystery.
    var via = (hit.synonyms || []).length && s.viaSynonym ? el("p", { class: "search-hit-synonyms" }, [
      s.viaSynonym + " : " + hit.synonyms.map(function (p) { return p[0] + " → " + p[1]; }).join(", ")
    ]) : null;
    var kind = hit.kind === "parcours" && s.typeParcours ? el("span", { class: "search-hit-kind", text: s.typeParcours }) : null;
    return el("article", { class: "card search-hit" + (hit.kind === "parcours" ? " search-hit-parcours" : "") }, [
      el(h ? "h" + h : "p", { class: "card-title" }, [kind, kind ? " " : null, el("a", { href: hitUrl(hit.url), lang: other, text: hit.title })]),
      el("p", { class: "card-summary", lang: other, text: hit.summary }),
      snippet,
      via,
      meta
    ]);
  }

  function ensureStylesheet() {
    var href = new URL("search.css", script.src).href;
    if (document.querySelector('link[href="' + href + '"]')) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: href }));
  }

  // ------------------------------------------------------------------ header search box

  function setupHeader(form) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var s = strings(form);
    var panel = null, status = null, list = null, more = null, timer = 0, lastQuery = "";

    function build() {
      if (panel) return;
      ensureStylesheet();
      panel = el("div", { class: "search-popover", id: input.id + "-results", hidden: true });
      status = el("p", { class: "search-status", role: "status" });
      list = el("div", { class: "search-popover-hits" });
      more = el("p", { class: "search-popover-more" }, [el("a", { href: form.action })]);
      panel.appendChild(status);
      panel.appendChild(list);
      panel.appendChild(more);
      form.appendChild(panel);
    }

    function close() {
      if (panel) panel.hidden = true;
    }

    function run() {
      var q = input.value;
      if (!q.trim()) { lastQuery = ""; close(); return; }
      build();
      if (q === lastQuery && !panel.hidden) return;
      lastQuery = q;
      panel.hidden = false;
      if (engineState !== "ready") status.textContent = s.loading;
      Promise.all([loadManifest(), search("header", q, [], POPOVER_SIZE, false)]).then(function (both) {
        var manifest = both[0], r = both[1];
        if (input.value !== q) return;
        status.textContent = r.total ? plural(s, r.total) : s.noResults;
        list.textContent = "";
        if (r.hits.length) {
          var ol = el("ol", { class: "search-hits" });
          // Not headings: the box sits in the page header, before the page's own <h1>.
          r.hits.forEach(function (hit) { ol.appendChild(el("li", null, [hitNode(hit, manifest, s, 0)])); });
          list.appendChild(ol);
        }
        var link = more.firstChild;
        link.href = form.action + "?q=" + encodeURIComponent(q);
        link.textContent = fill(s.seeAll, r.total);
        more.hidden = r.total === 0;
      }).catch(function (e) {
        if (e && e.stale) return;
        status.textContent = s.error;
        list.textContent = "";
        more.hidden = true;
      });
    }

    input.addEventListener("focus", boot);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && panel && !panel.hidden) {
        close();
        input.focus();
        e.preventDefault();
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !form.contains(e.relatedTarget)) close();
    });
    input.addEventListener("click", function () { if (panel && panel.hidden && input.value.trim()) run(); });
  }

  // ------------------------------------------------------------------ search page

  function setupPage(app) {
    var form = app.querySelector("form");
    var input = form && form.querySelector("input[type=search]");
    var filtersBox = document.getElementById("search-filters");
    var status = document.getElementById("search-status");
    var results = document.getElementById("search-results");
    var sortSelect = document.getElementById("search-sort");
    var suggestionBox = document.getElementById("search-suggestion");
    if (!input || !filtersBox || !status || !results) return;
    ensureStylesheet();
    var s = strings(app);
    var d = app.dataset;
    var manifest = null;
    // The filter fields, in the build's order (the page names them).
    var fields = (filtersBox.getAttribute("data-fields") || "").split(" ").filter(Boolean);
    var state = readUrl();
    var limit = PAGE_SIZE;
    var typing = false; // a history entry was pushed for the current run of keystrokes
    var timer = 0, statusTimer = 0;
    var boxes = {}; // field → value → {input, count, item}
    var clearButton = null;

    function readUrl() {
      var params = new URLSearchParams(location.search);
      var filters = [];
      fields.forEach(function (f) {
        params.getAll(f).forEach(function (v) { if (v) filters.push([f, v]); });
      });
      return { q: params.get("q") || "", filters: filters, sort: params.get("tri") || "" };
    }

    function stateQuery() {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      state.filters.forEach(function (f) { params.append(f[0], f[1]); });
      if (state.sort) params.set("tri", state.sort);
      return params.toString();
    }

    function stateUrl() {
      var query = stateQuery();
      return location.pathname + (query ? "?" + query : "") + location.hash;
    }

    function saveState(push) {
      var url = stateUrl();
      if (url === location.pathname + location.search + location.hash) return;
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    }

    function hasState() {
      return state.q.trim() !== "" || state.filters.length > 0;
    }

    function selected(field, value) {
      return state.filters.some(function (f) { return f[0] === field && f[1] === value; });
    }

    function announce(text, now) {
      clearTimeout(statusTimer);
      // Announce the count once typing pauses, not at every keystroke.
      if (now) status.textContent = text;
      else statusTimer = setTimeout(function () { status.textContent = text; }, 500);
    }

    // Filters: drawn by the page itself at build time (every value the site has, in the build's
    // order, open or closed as the build chose); the script only takes them over: it enables
    // them, then changes their counts and states, so nothing moves and focus never jumps.
    function adoptFilters() {
      Array.prototype.forEach.call(filtersBox.querySelectorAll("details.search-facet"), function (details) {
        Array.prototype.forEach.call(details.querySelectorAll("input[type=checkbox]"), function (box) {
          var field = box.name, value = box.value;
          var item = box.closest("li");
          var count = item.querySelector(".search-facet-count");
          boxes[field] = boxes[field] || {};
          boxes[field][value] = { input: box, count: count, item: item };
          box.disabled = false;
          box.addEventListener("change", function () { toggle(field, value, box.checked); });
          if (selected(field, value)) details.open = true;
        });
      });
      clearButton = filtersBox.querySelector(".search-filters-clear");
      if (clearButton) {
        clearButton.addEventListener("click", function () {
          state.filters = [];
          saveState(true);
          typing = false;
          input.focus();
          update();
        });
      }
      syncFilters(manifest.counts || {});
    }

    // Check boxes from the state; counts from `facets` (disjunctive: a field's own selection does
    // not change its counts).
    function syncFilters(facets) {
      Object.keys(boxes).forEach(function (field) {
        var counts = facets[field] || {};
        Object.keys(boxes[field]).forEach(function (value) {
          var b = boxes[field][value];
          var n = counts[value] || 0;
          var on = selected(field, value);
          b.input.checked = on;
          b.input.disabled = n === 0 && !on;
          b.count.textContent = "(" + n + ")";
          b.item.classList.toggle("search-facet-empty", n === 0 && !on);
        });
      });
      if (clearButton) clearButton.hidden = state.filters.length === 0;
    }

    function toggle(field, value, on) {
      state.filters = state.filters.filter(function (f) { return !(f[0] === field && f[1] === value); });
      if (on) state.filters.push([field, value]);
      limit = PAGE_SIZE;
      typing = false;
      saveState(true);
      update();
    }

    // "Did you mean": the query with its unknown words corrected, as a link that runs it.
    function showSuggestion(suggestion) {
      if (!suggestionBox) return;
      suggestionBox.textContent = "";
      suggestionBox.hidden = !suggestion;
      if (!suggestion) return;
      var params = new URLSearchParams(stateQuery());
      params.set("q", suggestion);
      var link = el("a", { href: location.pathname + "?" + params.toString(), text: suggestion });
      link.addEventListener("click", function (e) {
        e.preventDefault();
        state.q = suggestion;
        input.value = suggestion;
        typing = false;
        saveState(true);
        update();
      });
      suggestionBox.appendChild(document.createTextNode(s.didYouMean + " "));
      suggestionBox.appendChild(link);
      suggestionBox.appendChild(document.createTextNode(" ?"));
    }

    function showResults(r, focusFrom, typed, key) {
      results.textContent = "";
      showSuggestion(r.suggestion);
      results.setAttribute("data-total", r.total);
      // The state these results answer (its URL query): a hook for tests.
      results.setAttribute("data-state", key);
      if (!r.total) {
        results.appendChild(el("p", { class: "search-empty", text: s.noResults }));
        announce(s.noResults, !typed);
        return;
      }
      var ol = el("ol", { class: "search-hits", start: null });
      r.hits.forEach(function (hit) { ol.appendChild(el("li", null, [hitNode(hit, manifest, s, 2)])); });
      results.appendChild(ol);
      if (r.total > r.hits.length) {
        var button = el("button", { type: "button", class: "search-more", text: s.more });
        button.addEventListener("click", function () {
          var from = r.hits.length;
          limit += PAGE_SIZE;
          update(false, from);
        });
        results.appendChild(el("p", null, [button]));
      }
      announce(hasState() ? plural(s, r.total) : s.browseAll + " " + plural(s, r.total), !typed);
      if (focusFrom !== undefined) {
        // After "more results", focus the first new result.
        var links = results.querySelectorAll(".search-hit .card-title a");
        if (links[focusFrom]) links[focusFrom].focus();
      }
    }

    // Runs the current state. `typed`: started by a keystroke (the count is announced once typing
    // pauses); `focusFrom`: index of the first new result to focus ("more results").
    function update(typed, focusFrom) {
      syncFilters(lastFacets);
      if (sortSelect) sortSelect.value = state.sort;
      // Nothing asked: every kit, newest first (or in the chosen order), counts of the whole site.
      if (engineState !== "ready") announce(s.loading, true);
      var key = stateQuery();
      search("page", state.q, state.filters, limit, true, state.sort).then(function (r) {
        lastFacets = r.facets;
        syncFilters(r.facets);
        showResults(r, focusFrom, typed, key);
      }).catch(function (e) {
        if (e && e.stale) return;
        results.textContent = "";
        results.appendChild(el("p", { class: "search-error", text: s.error }));
        announce(s.error, true);
      });
    }
    var lastFacets = {};

    input.value = state.q;
    input.addEventListener("focus", boot);
    input.addEventListener("input", function () {
      state.q = input.value;
      limit = PAGE_SIZE;
      // The first keystroke of a run adds a history entry; the next ones update it.
      saveState(!typing);
      typing = true;
      clearTimeout(timer);
      timer = setTimeout(function () { update(true); }, 60);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      state.q = input.value;
      typing = false;
      saveState(false);
      update();
    });
    window.addEventListener("popstate", function () {
      state = readUrl();
      input.value = state.q;
      limit = PAGE_SIZE;
      typing = false;
      update();
    });

    if (sortSelect) {
      sortSelect.disabled = false;
      sortSelect.value = state.sort;
      sortSelect.addEventListener("change", function () {
        state.sort = sortSelect.value;
        limit = PAGE_SIZE;
        typing = false;
        saveState(true);
        update();
      });
    }

    loadManifest().then(function (m) {
      manifest = m;
      lastFacets = m.counts || {};
      adoptFilters();
      update();
    }, function () {
      results.appendChild(el("p", { class: "search-error", text: s.error }));
      announce(s.error, true);
    });
    // The search page lists every kit from the start: the engine is needed at once.
    boot();
  }

  // ------------------------------------------------------------------ start

  var app = document.getElementById("search-app");
  if (app) setupPage(app);
  Array.prototype.forEach.call(document.querySelectorAll("form.search-form-header"), setupHeader);
})();
