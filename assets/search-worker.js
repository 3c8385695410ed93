// mallette search worker: runs the search engine (crates/search-wasm) off the main thread, so
// typing never stutters. Started by static/search.js with the site's search manifest; written into
// the site as search/worker.<hash>.js by `mallette build` (src/search_assets.rs).
//
// A site opened from disk (file://) can start no worker and fetch no file: there this same code
// runs on the page, loaded as the first part of search/offline.<hash>.js, whose second part holds
// every file it would have fetched (`self.malletteOfflineSearch`, written by `build --offline`).
// `createSearchEngine(post, files)` is the engine for both: `files` is how it gets its bytes.
//
// Messages in:  {type: "init", manifestUrl, manifest}
//               {type: "search", id, q, filters: [[field, value]…], limit, facets: bool}
// Messages out: {type: "ready"}
//               {type: "results", id, total, facets, hits: [{url, title, summary, snippet,
//                 level, audiences, duration, language, score}], ms}
//               {type: "error", id, message}
//
// The index files are cut into chunks (see src/search_assets.rs). The engine asks for a chunk
// through its import `env.fetch_chunk` the first time it reads it; this file answers from the
// base pack (fetched with the engine) or with a synchronous request — allowed in workers, and it
// needs no HTTP range support from the server. The engine keeps the chunks it has read.
"use strict";

function createSearchEngine(post, files) {
  let manifest = null;
  let root = ""; // URL of the folder holding the manifest
  let indexUrl = "";
  let exports = null;
  let module = null;
  let ready = null;
  const pack = new Map(); // "file.chunk" → bytes from the packs (base.bin, facets.bin, browse.bin)
  const packs = {}; // pack name → Promise of its loading
  const docs = new Map(); // document id → Promise of its result file
  let latest = null; // the newest search request not yet run
  let running = false;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function onMessage(m) {
    if (m.type === "init" && !ready) {
      manifest = m.manifest;
      root = new URL(".", m.manifestUrl).href;
      indexUrl = new URL(manifest.index, root).href;
      ready = start();
      ready.then(
        () => post({ type: "ready" }),
        (e) => post({ type: "error", id: null, message: String(e && e.message || e) }),
      );
    } else if (m.type === "search") {
      latest = m;
      pump();
    }
  }

  function chunkLength(file, chunk) {
    const f = manifest.files[file];
    return Math.min(f.chunk, f.len - chunk * f.chunk);
  }

  async function start() {
    const engineUrl = new URL(manifest.engine, root).href;
    const [compiled] = await Promise.all([compile(engineUrl), loadPack("base")]);
    module = compiled;
    await instantiate();
  }

  // Fetches a pack of chunks (once); a pack that fails leaves its chunks to be fetched one by one.
  function loadPack(name) {
    const chunks = manifest.packs[name];
    if (!chunks) return Promise.resolve();
    if (!packs[name]) {
      packs[name] = files.bytes(indexUrl + name + ".bin").then((bytes) => {
        let offset = 0;
        for (const [file, chunk] of chunks) {
          const len = chunkLength(file, chunk);
          pack.set(file + "." + chunk, bytes.subarray(offset, offset + len));
          offset += len;
        }
      });
      if (name !== "base") packs[name].catch(() => {});
    }
    return packs[name];
  }

  async function compile(url) {
    if (files.compile) return files.compile(url);
    if (gzipped) return WebAssembly.compile(await fetchBytes(url));
    const response = await fetch(url);
    if (!response.ok) throw new Error(url + ": HTTP " + response.status);
    const type = response.headers.get("content-type") || "";
    if (WebAssembly.compileStreaming && type.startsWith("application/wasm")) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }

  async function instantiate() {
    const instance = await WebAssembly.instantiate(module, { env: { fetch_chunk: fetchChunk } });
    exports = instance.exports;
    call("open", JSON.stringify(manifest.files.map((f) => ({ path: f.path, len: f.len, chunk: f.chunk }))));
  }

  // The engine's import: write chunk `chunk` of index file `file` (`len` bytes) at `dst`.
  function fetchChunk(file, chunk, dst, len) {
    const key = file + "." + chunk;
    // Base chunks stay in `pack`: a fresh instance (after a trap) reads them again.
    let bytes = pack.get(key);
    if (!bytes && files.offline) return 1;
    if (!bytes) {
      try {
        const xhr = new XMLHttpRequest();
        xhr.open("GET", indexUrl + key, false);
        xhr.responseType = "arraybuffer";
        xhr.send();
        if (xhr.status !== 200) return 1;
        bytes = new Uint8Array(xhr.response);
      } catch (e) {
        return 2;
      }
    }
    if (bytes.length !== len) return 3;
    new Uint8Array(exports.memory.buffer, dst, len).set(bytes);
    return 0;
  }

  // Calls an exported function with a UTF-8 string; returns its output, throws its error.
  function call(name, input) {
    const bytes = encoder.encode(input);
    const ptr = exports.alloc(bytes.length);
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    const status = exports[name](ptr, bytes.length);
    const out = decoder.decode(new Uint8Array(exports.memory.buffer, exports.out_ptr(), exports.out_len()));
    if (status !== 0) throw new Error(out);
    return out;
  }

  function doc(id) {
    let promise = docs.get(id);
    if (!promise) {
      promise = files.doc ? files.doc(id) : fetchBytes(indexUrl + "d/" + id + ".json").then((bytes) => JSON.parse(decoder.decode(bytes)));
      promise.catch(() => docs.delete(id));
      docs.set(id, promise);
    }
    return promise;
  }

  // Runs the newest request; requests that arrive meanwhile replace each other (typing fast
  // never queues stale queries).
  async function pump() {
    if (running) return;
    running = true;
    try {
      while (latest) {
        const m = latest;
        latest = null;
        try {
          await ready;
          const wanted = [];
          if (m.facets !== false) wanted.push(loadPack("facets"));
          if (!String(m.q).trim()) wanted.push(loadPack("browse"));
          await Promise.all(wanted.map((p) => p.catch(() => {})));
          const t0 = performance.now();
          const r = JSON.parse(call("search", JSON.stringify({ q: m.q, f: m.filters, n: m.limit, c: m.facets !== false, s: m.sort || "" })));
          const ms = performance.now() - t0;
          const files = await Promise.all(r.hits.map((h) => doc(h.doc)));
          if (latest) continue; // outdated while its result files came
          const snippets = JSON.parse(call("snippets", JSON.stringify(files.map((d) => ({ x: d.x, g: d.g })))));
          const hits = files.map((d, i) => ({
            url: d.u,
            title: d.t,
            summary: d.s,
            snippet: snippets[i],
            level: d.l,
            audiences: d.a,
            duration: d.d,
            durationText: d.dd,
            language: d.g,
            kind: d.k || "kit",
            synonyms: r.hits[i].syn || [],
            score: r.hits[i].score,
          }));
          post({ type: "results", id: m.id, total: r.total, facets: r.facets, hits, suggestion: r.suggestion || null, ms });
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError && module) {
            // The engine trapped: start a fresh instance for the next query.
            ready = instantiate();
            ready.catch(() => {});
          }
          post({ type: "error", id: m.id, message: String(e && e.message || e) });
        }
      }
    } finally {
      running = false;
    }
  }

  return onMessage;
}

// Files fetched asynchronously also exist gzipped (`<name>.gz`): fetched so when the browser can
// inflate them, since many static hosts compress nothing.
const gzipped = typeof DecompressionStream === "function";

async function fetchBytes(url) {
  const response = await fetch(gzipped ? url + ".gz" : url);
  if (!response.ok) throw new Error(url + ": HTTP " + response.status);
  return inflate(new Uint8Array(await response.arrayBuffer()));
}

// Inflates gzip bytes — unless the server already did (it sent them with Content-Encoding).
async function inflate(bytes) {
  if (!gzipped || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The files of a site opened from disk: the bundle's base64 strings, gzipped.
function bundledFiles(bundle) {
  const bytes = (b64) => {
    const text = atob(b64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return inflate(out);
  };
  let docs = null;
  return {
    offline: true,
    compile: async () => WebAssembly.compile(await bytes(bundle.engine)),
    bytes: async (url) => {
      if (url.endsWith("/base.bin")) return bytes(bundle.base);
      throw new Error(url + ": not in the offline bundle");
    },
    doc: async (id) => {
      if (!docs) docs = bytes(bundle.docs).then((b) => JSON.parse(new TextDecoder().decode(b)));
      const all = await docs;
      if (!(id in all)) throw new Error("result " + id + ": not in the offline bundle");
      return JSON.parse(all[id]);
    },
  };
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  const onMessage = createSearchEngine((m) => self.postMessage(m), { bytes: fetchBytes });
  self.onmessage = (event) => onMessage(event.data);
} else {
  // On a page (file://): search.js calls this with the bundle.
  self.malletteSearchEngine = (post, bundle) => createSearchEngine(post, bundledFiles(bundle));
}
