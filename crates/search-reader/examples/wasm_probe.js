// Runs the wasm probe (examples/wasm_probe.rs) in Node over an export written with
// `--chunked` (examples/export.rs): per word, the bytes and chunks a cold query fetches (after
// the meta file) and its time, then the median time of warm repeats.
//
//   node examples/wasm_probe.js CHUNK_DIR wasm_probe.wasm word… [--typos]
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const args = process.argv.slice(2);
  const typos = args.includes("--typos") ? 1 : 0;
  const [dir, wasmPath, ...words] = args.filter((a) => !a.startsWith("--"));
  const fetched = { chunks: 0, bytes: 0 };
  let mem;
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  const wasm = fs.readFileSync(wasmPath);
  const open = async () => {
    const { instance } = await WebAssembly.instantiate(wasm, {
      env: {
        fetch_chunk(namePtr, nameLen, chunk, len, dst) {
          const name = dec.decode(new Uint8Array(mem.buffer, namePtr, nameLen));
          let bytes;
          try {
            bytes = fs.readFileSync(path.join(dir, `${name}.${chunk}`));
          } catch (e) {
            return 1;
          }
          if (bytes.length !== len) return 2;
          new Uint8Array(mem.buffer, dst, len).set(bytes);
          fetched.chunks += 1;
          fetched.bytes += len;
          return 0;
        },
      },
    });
    const x = instance.exports;
    mem = x.memory;
    const put = (bytes) => {
      const p = x.alloc(bytes.length);
      new Uint8Array(mem.buffer, p, bytes.length).set(bytes);
      return p;
    };
    const meta = fs.readFileSync(path.join(dir, "meta"));
    if (x.open(put(meta), meta.length) !== 0) throw new Error("open failed");
    return (word) => {
      const b = enc.encode(word);
      const rc = x.search(put(b), b.length, typos);
      const out = dec.decode(new Uint8Array(mem.buffer, x.out_ptr(), x.out_len()));
      if (rc !== 0) throw new Error(out);
      return out;
    };
  };
  const warm = [];
  for (const w of words) {
    const search = await open();
    fetched.chunks = 0;
    fetched.bytes = 0;
    let t = performance.now();
    const out = search(w);
    const cold = performance.now() - t;
    const times = [];
    for (let i = 0; i < 15; i++) {
      t = performance.now();
      search(w);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    warm.push(times[7]);
    console.log(
      `${w}: ${out.split(" ")[0]} hits; cold ${fetched.bytes} B in ${fetched.chunks} chunks, ` +
        `${cold.toFixed(2)} ms; warm median ${times[7].toFixed(2)} ms`
    );
  }
  warm.sort((a, b) => a - b);
  console.log(`warm p50 over words: ${warm[Math.floor((warm.length - 1) / 2)].toFixed(2)} ms, max ${warm[warm.length - 1].toFixed(2)} ms`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
