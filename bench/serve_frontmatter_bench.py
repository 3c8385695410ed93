#!/usr/bin/env python3
"""Front-matter edit latency of `mallette serve`: change one kit's `level:` and poll the browse
page of the new level until it lists the kit (and the old level's page no longer does).

    bench/serve_frontmatter_bench.py --site target/bench-sites/mallette-1000 [--runs 5]

Works on a scratch copy of the site. The edit goes through the partial path of src/live.rs (the
kit's page, related kits, every list, feeds): no full build. A benchmark script, not a test.
"""
import argparse, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

LEVELS = ["debutant", "intermediaire", "avance"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mallette", default="target/release/mallette")
    args = ap.parse_args()
    scratch = tempfile.mkdtemp(prefix="fm-bench-")
    site = os.path.join(scratch, "site")
    shutil.copytree(args.site, site)
    kit = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content/kits")) for f in fs if f.endswith(".md")
    )[0]
    slug = os.path.basename(kit)[:-3]
    port = free_port()
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=scratch)
    server = subprocess.Popen([args.mallette, "serve", "--root", site, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), env=env, text=True)
    try:
        started = time.time()
        server.stdout.readline()  # "Serving … on http://…"
        print(f"server ready after {time.time() - started:.2f} s", file=sys.stderr)
        base = f"http://127.0.0.1:{port}"
        times = []
        for run in range(args.runs):
            text = open(kit, encoding="utf-8").read()
            current = re.search(r"^level: (\S+)", text, re.M).group(1)
            new = LEVELS[(LEVELS.index(current) + 1) % len(LEVELS)]
            t0 = time.time()
            with open(kit, "w", encoding="utf-8") as f:
                f.write(re.sub(r"^level: \S+", f"level: {new}", text, count=1, flags=re.M))
            while True:
                if f"/kits/{slug}/" in get(f"{base}/levels/{new}/") and f"/kits/{slug}/" not in get(f"{base}/levels/{current}/"):
                    break
                if time.time() - t0 > 120:
                    print("timeout", file=sys.stderr)
                    break
                time.sleep(0.01)
            ms = round((time.time() - t0) * 1000)
            times.append(ms)
            print(f"run {run + 1}: {current} -> {new}: {ms} ms", file=sys.stderr)
            time.sleep(1.0)
        print(f"median {statistics.median(times):.0f} ms (min {min(times)} - max {max(times)})")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
