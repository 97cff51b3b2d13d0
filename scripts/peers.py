#!/usr/bin/env python3
"""Time nabla's gradients against PyTorch's, alternately in one run, and write docs/PEERS.md.

    python3 scripts/peers.py [--rounds 3] [--out docs/PEERS.md] [--peer ../shared/peers/torch_mlp.py]

Each round runs the PyTorch peer (float64, one and two threads), then nabla's benchmark
binary in the pure-Go build, then (where OpenBLAS is installed) in the build with -tags
openblas; ratios are taken within a round and the medians over the rounds reported, so that a
machine whose speed drifts (shared, loaded) still gives comparable figures. It needs Debian's
python3-torch for the peer; the figures it writes say when, where and under what load.
"""

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

CASES = ["2-3-1@1", "784-30-10@1", "784-30-10@100", "784-100-10@100", "784-300-100-10@100"]
ENGINES = ["backprop", "autodiff-reverse", "symbolic", "numeric-central"]
BENCH_RE = re.compile(r"^BenchmarkGradient/engine=([^/]+)/net=([^/]+)/batch=(\d+)/threads=(\d+)-\d+\s+\d+\s+([\d.]+) ns/op(.*)$")


def sh(cmd, env=None, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        sys.exit(f"peers: {' '.join(cmd)} failed:\n{r.stderr[-2000:]}")
    return r


def build(root):
    """Builds the benchmark binaries: pure Go always, OpenBLAS where it links."""
    bins = {}
    out = os.path.join(root, ".peers")
    os.makedirs(out, exist_ok=True)
    sh(["go", "test", "-c", "-o", os.path.join(out, "bench.pure"), "./bench"])
    bins["pure Go"] = os.path.join(out, "bench.pure")
    env = dict(os.environ, CGO_ENABLED="1", CGO_LDFLAGS="-lopenblas")
    r = sh(["go", "test", "-tags", "openblas", "-c", "-o", os.path.join(out, "bench.openblas"), "./bench"], env=env, check=False)
    if r.returncode == 0:
        bins["openblas"] = os.path.join(out, "bench.openblas")
    else:
        print("peers: OpenBLAS build unavailable; pure Go only", file=sys.stderr)
    return bins


def run_peer(py, peer):
    """Runs the peer once per thread count. Debian's torch does not pass torch.set_num_threads
    on to OpenBLAS, whose own pool starts with every core when the library loads: the thread
    count is therefore also given as OPENBLAS_NUM_THREADS, so that "1 thread" is one thread in
    the products too."""
    rows = {}
    for th in (1, 2):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(th))
        r = sh([py, peer, "--threads", str(th), "--target", "0.1", "--reps", "5"], env=env)
        for line in r.stdout.splitlines():
            f = line.split(",")
            if len(f) == 7 and f[0].startswith("torch"):
                rows[(f[1], int(f[2]), int(f[3]))] = float(f[5])  # gradient µs
    return rows


def run_nabla(binary, benchtime):
    rows, allocs = {}, {}
    eng = "|".join(re.escape(e) for e in ENGINES)
    r = sh([binary, "-test.run", "^$", "-test.bench", f"BenchmarkGradient/engine=({eng})$",
            "-test.benchtime", benchtime, "-test.benchmem", "-cases", ",".join(CASES), "-budget", "2s"])
    for line in r.stdout.splitlines():
        m = BENCH_RE.match(line)
        if not m:
            continue
        e, net, batch, th, ns, rest = m.groups()
        key = (e, net, int(batch), int(th))
        rows[key] = float(ns) / 1000
        a = re.search(r"([\d.]+) allocs/op", rest)
        allocs[key] = float(a.group(1)) if a else float("nan")
    return rows, allocs


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_us(x):
    if x is None:
        return "—"
    return f"{x / 1000:.2f} ms" if x >= 1000 else f"{x:.2f} µs"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}×"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="docs/PEERS.md")
    ap.add_argument("--peer", default="../shared/peers/torch_mlp.py")
    ap.add_argument("--python", default="/usr/bin/python3", help="the Python that sees python3-torch")
    ap.add_argument("--benchtime", default="0.3s")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    bins = build(root)
    load_before = loadavg()
    start = datetime.datetime.now(datetime.timezone.utc)
    rounds = []
    for i in range(args.rounds):
        rnd = {"torch": run_peer(args.python, args.peer)}
        for blas, b in bins.items():
            rnd[blas] = run_nabla(b, args.benchtime)
        rounds.append(rnd)
        print(f"peers: round {i + 1} of {args.rounds} done, load {loadavg()}", file=sys.stderr)
    load_after = loadavg()
    go_version = sh(["go", "version"]).stdout.strip()
    write(args, bins, rounds, start, load_before, load_after, go_version)


def ratio(rnd, blas, engine, net, batch, th, torch_th=1):
    t = rnd["torch"].get((net, batch, torch_th))
    n = rnd.get(blas, ({}, {}))[0].get((engine, net, batch, th))
    return None if t is None or n is None else n / t


def speedup(rnd, blas, engine, net, batch):
    rows = rnd.get(blas, ({}, {}))[0]
    one, two = rows.get((engine, net, batch, 1)), rows.get((engine, net, batch, 2))
    return None if one is None or two is None else one / two


def write(args, bins, rounds, start, load_before, load_after, go_version):
    L = []
    L.append("# nabla against PyTorch\n")
    L.append(f"Generated by `python3 scripts/peers.py --rounds {args.rounds}` on {start:%Y-%m-%d %H:%M} UTC: "
             f"{cpu_model()}, {os.cpu_count()} CPUs, {go_version}, builds {' and '.join(bins)} "
             f"(the pure-Go build multiplies with nabla's assembly GEMM where the CPU has AVX2 or AVX-512, "
             f"gonum's elsewhere: `nabla bench` names it), threads 1 and 2; "
             f"load average {load_before} before and {load_after} after (the machine is shared). "
             f"Each of {args.rounds} rounds runs PyTorch's float64 gradient (`torch_mlp.py`, Debian's "
             f"python3-torch on OpenBLAS, with OPENBLAS_NUM_THREADS set to its thread count: torch's own "
             f"setting does not reach OpenBLAS) and then nabla's `BenchmarkGradient` in each build; a ratio is "
             f"nabla's time over PyTorch's one-thread time in the same round, and the figures are medians "
             f"over the rounds. Wall-clock times: on a loaded machine both sides are slowed.\n")
    L.append("## Gradient time, and its ratio to PyTorch on one thread\n")
    head = "| network, batch | engine | PyTorch 1 thread | PyTorch 2 threads |"
    sep = "|---|---|---:|---:|"
    cols = []
    for blas in bins:
        for th in (1, 2):
            cols.append((blas, th))
            head += f" nabla {blas}, {th} thr. | ratio |"
            sep += "---:|---:|"
    L.append(head)
    L.append(sep)
    for case in CASES:
        net, batch = case.split("@")
        batch = int(batch)
        for e in ENGINES:
            if not any((e, net, batch, 1) in r.get(b, ({}, {}))[0] for r in rounds for b in bins):
                continue
            t1 = med([r["torch"].get((net, batch, 1)) for r in rounds])
            t2 = med([r["torch"].get((net, batch, 2)) for r in rounds])
            row = f"| {net}, {batch} | {e} | {fmt_us(t1)} | {fmt_us(t2)} |"
            for blas, th in cols:
                n = med([r.get(blas, ({}, {}))[0].get((e, net, batch, th)) for r in rounds])
                row += f" {fmt_us(n)} | {fmt_ratio(med([ratio(r, blas, e, net, batch, th) for r in rounds]))} |"
            L.append(row)
    L.append("\n## Two threads against one (nabla, same build, same round)\n")
    L.append("| network, batch | engine | " + " | ".join(f"{b}: 1 thread ÷ 2 threads" for b in bins) + " |")
    L.append("|---|---|" + "---:|" * len(bins))
    for case in CASES:
        net, batch = case.split("@")
        batch = int(batch)
        for e in ENGINES:
            vals = [med([speedup(r, b, e, net, batch) for r in rounds]) for b in bins]
            if all(v is None for v in vals):
                continue
            L.append(f"| {net}, {batch} | {e} | " + " | ".join(fmt_ratio(v) for v in vals) + " |")
    worst = 0.0
    for r in rounds:
        for b in bins:
            worst = max([worst] + [a for a in r[b][1].values() if a == a])
    L.append(f"\nAllocations per gradient in every timed benchmark above: at most {worst:g} (go test -benchmem).\n")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(L))
    print(f"peers: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
