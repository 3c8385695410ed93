// The contribution page: from the form to a kit file, checked by the validator module (the same
// code as `mallette check`, in WebAssembly), then opened on the forge's "new file" page. The
// draft is kept in this browser's localStorage only; nothing is sent anywhere but to the forge,
// when the visitor clicks. No inline script or style (CSP).
(function () {
  "use strict";

  var app = document.getElementById("contribute-app");
  var form = document.getElementById("contribute-form");
  if (!app || !form || !window.WebAssembly || !window.URL) return;
  app.hidden = false;
  var d = app.dataset;
  var context = document.getElementById("contribute-context").textContent;

  // Forges and proxies cut URLs near 8 KB: beyond this, the copy / download route.
  var MAX_URL = 6000;

  // ---------------------------------------------------------------- the validator module
  var engine = null;
  function bytesOfOffline() {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = d.validatorOffline;
      tag.onload = function () {
        var b64 = window.malletteValidatorWasm, raw = atob(b64), bytes = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        resolve(bytes.buffer);
      };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }
  // The module gzipped (a third of its size) when the browser can inflate it, whatever the host.
  function fetchModule() {
    var ok = function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r; };
    if (typeof DecompressionStream === "function") {
      return fetch(d.validator + ".gz").then(ok).then(function (r) {
        return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
      });
    }
    return fetch(d.validator).then(ok).then(function (r) { return r.arrayBuffer(); });
  }
  function load() {
    if (!engine) {
      var bytes = location.protocol === "file:" && d.validatorOffline
        ? bytesOfOffline()
        : fetchModule();
      engine = bytes.then(function (b) { return WebAssembly.instantiate(b, {}); }).then(function (m) {
        var e = m.instance.exports;
        var call = function (name, text) {
          var input = new TextEncoder().encode(text);
          var ptr = e.alloc(input.length);
          new Uint8Array(e.memory.buffer, ptr, input.length).set(input);
          var status = e[name](ptr, input.length);
          var out = new TextDecoder().decode(new Uint8Array(e.memory.buffer, e.out_ptr(), e.out_len()));
          if (status !== 0) throw new Error(out);
          return out;
        };
        call("context", context);
        return function (draft) { return JSON.parse(call("draft", JSON.stringify(draft))); };
      });
    }
    return engine;
  }

  // ---------------------------------------------------------------- reading the form
  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (i) { return i.value; });
  }
  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value : "";
  }
  var steps = document.getElementById("steps");
  function stepRows() {
    return Array.prototype.map.call(steps.querySelectorAll("tr"), function (row) {
      return {
        duration: row.querySelector(".step-duration").value,
        title: row.querySelector(".step-title").value,
        description: row.querySelector(".step-description").value
      };
    });
  }
  function draft() {
    var min = value("f-participants-min"), max = value("f-participants-max");
    var level = form.querySelector('input[name="level"]:checked');
    return {
      title: value("f-title"), summary: value("f-summary"),
      themes: checked("themes"), audiences: checked("audiences"),
      level: level ? level.value : "", duration: value("f-duration"),
      participants: min || max ? [min, max] : null,
      formats: checked("formats"), materials: checked("materials"),
      competences: checked("competences"), prerequisites: checked("prerequisites"),
      accessibility: checked("accessibility"), license: value("f-license"),
      authors: value("f-authors").split(",").map(function (a) { return a.trim(); }).filter(Boolean),
      language: value("f-language"),
      created: new Date().toISOString().slice(0, 10),
      objectives: value("s-objectives"), audience_and_prerequisites: value("s-audience_and_prerequisites"),
      materials_text: value("s-materials_text"), preparation: value("s-preparation"),
      steps: stepRows(),
      adaptations: value("s-adaptations"), watch_out: value("s-watch_out"), further: value("s-further")
    };
  }

  // ---------------------------------------------------------------- the plan's rows and total
  var rowTemplate = document.getElementById("step-row");
  function addStep(step) {
    var row = rowTemplate.content.firstElementChild.cloneNode(true);
    if (step) {
      row.querySelector(".step-duration").value = step.duration || "";
      row.querySelector(".step-title").value = step.title || "";
      row.querySelector(".step-description").value = step.description || "";
    }
    row.querySelector(".remove-step").addEventListener("click", function () { row.remove(); changed(); });
    steps.appendChild(row);
    return row;
  }
  document.getElementById("add-step").addEventListener("click", function () {
    addStep().querySelector(".step-duration").focus();
    changed();
  });
  // Minutes of "90", "1h30", "45 min" (the validator says the rest).
  function minutes(text) {
    var t = String(text).toLowerCase().replace(/\s+/g, "");
    var m = t.match(/^(\d+)(?:h(?:eures?)?(\d+)?(?:min|mn|m)?|(?:min|mn|m|minutes?)?)$/);
    if (!m) return null;
    if (t.indexOf("h") >= 0) return parseInt(m[1], 10) * 60 + (m[2] ? parseInt(m[2], 10) : 0);
    return parseInt(m[1], 10);
  }
  function show(n) {
    var h = Math.floor(n / 60), m = n % 60;
    return h === 0 ? m + " min" : m === 0 ? h + " h" : h + " h " + (m < 10 ? "0" : "") + m;
  }
  var totalLine = document.getElementById("steps-total");
  function updateTotal() {
    var total = 0, any = false;
    stepRows().forEach(function (s) { var n = minutes(s.duration); if (n !== null) { total += n; any = true; } });
    var stated = minutes(value("f-duration"));
    if (!any) { totalLine.textContent = ""; return; }
    var template = stated !== null && stated !== total ? d.totalMismatch : d.total;
    totalLine.textContent = template.replace("{total}", show(total)).replace("{stated}", stated === null ? "?" : show(stated));
  }

  // ---------------------------------------------------------------- the draft, in this browser
  var status = document.getElementById("draft-status");
  function save() {
    try { localStorage.setItem(d.storageKey, JSON.stringify(draft())); status.textContent = d.saved; } catch (e) { /* private mode */ }
  }
  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(d.storageKey) || "null"); } catch (e) { saved = null; }
    if (!saved) { addStep(); addStep(); addStep(); return; }
    var set = function (id, v) { var el = document.getElementById(id); if (el && v !== undefined && v !== null) el.value = v; };
    set("f-title", saved.title); set("f-summary", saved.summary); set("f-duration", saved.duration);
    set("f-license", saved.license); set("f-authors", (saved.authors || []).join(", ")); set("f-language", saved.language);
    if (saved.participants) { set("f-participants-min", saved.participants[0]); set("f-participants-max", saved.participants[1]); }
    ["objectives", "audience_and_prerequisites", "materials_text", "preparation", "adaptations", "watch_out", "further"].forEach(function (k) { set("s-" + k, saved[k]); });
    ["themes", "audiences", "formats", "materials", "competences", "prerequisites", "accessibility"].forEach(function (name) {
      (saved[name] || []).forEach(function (v) {
        var box = form.querySelector('input[name="' + name + '"][value="' + CSS.escape(v) + '"]');
        if (box) box.checked = true;
      });
    });
    var level = saved.level && form.querySelector('input[name="level"][value="' + CSS.escape(saved.level) + '"]');
    if (level) level.checked = true;
    (saved.steps && saved.steps.length ? saved.steps : [{}, {}, {}]).forEach(addStep);
  }
  var saveTimer = 0;
  function changed() {
    updateTotal();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 400);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  document.getElementById("clear-draft").addEventListener("click", function () {
    try { localStorage.removeItem(d.storageKey); } catch (e) { /* nothing kept */ }
    form.reset();
    steps.textContent = "";
    addStep(); addStep(); addStep();
    updateTotal();
    clearErrors();
    status.textContent = d.cleared;
  });

  // ---------------------------------------------------------------- errors, tied to their fields
  var summary = document.getElementById("form-errors");
  function fieldId(field) {
    var known = {
      title: "f-title", summary: "f-summary", themes: "f-themes", audiences: "f-audiences", level: "f-level",
      duration: "f-duration", participants: "f-participants", formats: "f-formats", materials: "f-materials",
      competences: "f-competences", prerequisites: "f-prerequisites", accessibility: "f-accessibility",
      license: "f-license", authors: "f-authors", language: "f-language"
    };
    return known[field] || "f-title";
  }
  function clearErrors() {
    summary.hidden = true;
    Array.prototype.forEach.call(form.querySelectorAll(".form-error"), function (p) { p.hidden = true; p.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    clearErrors();
    var list = summary.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (e) {
      var id = fieldId(e.field);
      var text = e.message + (e.help ? " — " + e.help : "");
      var target = document.getElementById(id);
      var slot = document.getElementById("e-" + id.slice(2));
      if (slot) { slot.textContent = (slot.textContent ? slot.textContent + " " : "") + text; slot.hidden = false; }
      if (target) {
        var control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        if (control) control.setAttribute("aria-invalid", "true");
        if (target.tagName === "DETAILS") target.open = true;
      }
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = "#" + id;
      link.textContent = text;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.querySelector("h2").textContent = errors.length === 1 ? d.errorsOne : d.errorsMany.replace("{n}", errors.length);
    summary.hidden = false;
    summary.focus();
  }

  // ---------------------------------------------------------------- sending
  var fallback = document.getElementById("fallback");
  var lastFile = null;
  function forgeUrl(file) {
    var url = new URL(d.newFileBase);
    url.searchParams.set(d.nameParam, file.file_name);
    url.searchParams.set(d.textParam, file.text);
    if (d.messageParam) url.searchParams.set(d.messageParam, d.commitMessage.replace("{title}", value("f-title").trim()));
    return url.href;
  }
  function offerFallback(file) {
    lastFile = file;
    var link = document.getElementById("download-file");
    link.href = URL.createObjectURL(new Blob([file.text], { type: "text/markdown;charset=utf-8" }));
    link.setAttribute("download", file.file_name);
    var open = document.getElementById("open-forge");
    if (open) {
      var url = new URL(d.emptyUrl);
      url.searchParams.set(d.nameParam, file.file_name);
      open.href = url.href;
    }
    fallback.hidden = false;
    fallback.setAttribute("data-file-name", file.file_name);
    fallback.focus();
  }
  document.getElementById("copy-file").addEventListener("click", function () {
    if (lastFile && navigator.clipboard) {
      navigator.clipboard.writeText(lastFile.text).then(function () { status.textContent = d.copied; });
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fallback.hidden = true;
    load().then(function (check) {
      var file = check(draft());
      // The file as checked, for a tester comparing with `mallette check` (hidden from view).
      app.setAttribute("data-checked-file", file.file_name);
      app.checkedText = file.text;
      var errors = file.diagnostics.filter(function (x) { return x.severity === "error"; });
      if (errors.length) { showErrors(errors); return; }
      clearErrors();
      save();
      if (!d.newFileBase) { offerFallback(file); return; }
      var url = forgeUrl(file);
      if (url.length > MAX_URL) { offerFallback(file); return; }
      window.location.assign(url);
    }).catch(function () {
      summary.querySelector("h2").textContent = d.unavailable;
      summary.querySelector("ul").textContent = "";
      summary.hidden = false;
      summary.focus();
    });
  });

  restore();
  updateTotal();
  // Load the module once the visitor starts on the form (or a little after the page has loaded):
  // the first check is then immediate, and the page's own content is not kept waiting for it.
  var started = false;
  function start() {
    if (started) return;
    started = true;
    load().catch(function () {});
  }
  form.addEventListener("focusin", start);
  window.addEventListener("load", function () { setTimeout(start, 2000); });
})();
