#!/usr/bin/env python3
"""Time nabla's gradients against PyTorch's, alternately in one run, and write docs/PEERS.md.

    python3 scripts/peers.py [--rounds 3] [--out docs/PEERS.md] [--peer ../shared/peers/torch_mlp.py]
                             [--cnn-peer ../shared/peers/torch_cnn.py] [--coretype auto]

Each round runs the PyTorch peers (float64; the MLPs on one and two threads, the CNNs on one),
then nabla's benchmark binary in the pure-Go build, then (where OpenBLAS is installed) in the
build with -tags openblas; ratios are taken within a round and the medians over the rounds
reported, so that a machine whose speed drifts (shared, loaded) still gives comparable figures.

OpenBLAS picks its kernels by the CPU model it recognises; where it does not recognise the CPU
(Debian's build falls back to "Prescott", SSE3 kernels, on some Xeons) PyTorch runs on slow
products. Each round therefore times PyTorch twice: with OpenBLAS as it detects itself, and
with OPENBLAS_CORETYPE set to the kernels the CPU supports (--coretype; auto: SkylakeX with
AVX-512, Haswell with AVX2), the stronger peer. The OpenBLAS build of nabla runs with the same
setting, so that its ratio compares like with like. It needs Debian's python3-torch for the
peers; the figures it writes say when, where and under what load.
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
CNN_ENGINES = ["backprop", "autodiff-reverse", "symbolic"]
CNN_NETS = ["lenet1", "lenet2"]
CNN_BATCHES = [1, 10, 100]
BENCH_RE = re.compile(r"^(Benchmark\w+)/engine=([^/]+)/net=([^/]+)/batch=(\d+)/threads=(\d+)-\d+\s+\d+\s+([\d.]+) ns/op(.*)$")


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


def blas_env(threads, coretype):
    """The environment of a run on OpenBLAS: its thread count and, when given, its kernels."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    else:
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def detected_core(py):
    """The kernels OpenBLAS picks by itself when PyTorch loads it (OPENBLAS_VERBOSE=2)."""
    env = dict(blas_env(1, ""), OPENBLAS_VERBOSE="2")
    r = sh([py, "-c", "import torch"], env=env, check=False)
    m = re.search(r"Core:\s*(\S+)", r.stdout + r.stderr)
    return m.group(1) if m else "unknown"


def auto_coretype():
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return ""
    if re.search(r"\bavx512f\b", flags):
        return "SkylakeX"
    if re.search(r"\bavx2\b", flags):
        return "Haswell"
    return ""


def run_peer(py, peer, coretype):
    """Runs the MLP peer once per thread count. Debian's torch does not pass
    torch.set_num_threads on to OpenBLAS, whose own pool starts with every core when the
    library loads: the thread count is therefore also given as OPENBLAS_NUM_THREADS, so that
    "1 thread" is one thread in the products too."""
    rows = {}
    for th in (1, 2):
        env = blas_env(th, coretype)
        r = sh([py, peer, "--threads", str(th), "--target", "0.1", "--reps", "5"], env=env)
        for line in r.stdout.splitlines():
            f = line.split(",")
            if len(f) == 7 and f[0].startswith("torch"):
                rows[(f[1], int(f[2]), int(f[3]))] = float(f[5])  # gradient µs
    return rows


def run_cnn_peer(py, peer, coretype):
    """Runs the CNN peer on one thread; its float64 rows, gradient µs by (net, batch)."""
    rows = {}
    r = sh([py, peer, "--batches", ",".join(str(b) for b in CNN_BATCHES)], env=blas_env(1, coretype))
    for line in r.stdout.splitlines():
        f = line.split(",")
        if len(f) == 8 and f[0].startswith("torch") and f[2] == "float64":
            rows[(f[1], int(f[3]))] = float(f[6])
    return rows


def run_nabla(binary, benchtime, env, bench, engines, cases):
    """Runs one benchmark of nabla's binary; gradient µs and allocs by (engine, net, batch,
    threads)."""
    rows, allocs = {}, {}
    eng = "|".join(re.escape(e) for e in engines)
    args = [binary, "-test.run", "^$", "-test.bench", f"{bench}/engine=({eng})$",
            "-test.benchtime", benchtime, "-test.benchmem", "-budget", "2s"]
    if cases:
        args += ["-cases", ",".join(cases)]
    r = sh(args, env=env)
    for line in r.stdout.splitlines():
        m = BENCH_RE.match(line)
        if not m or m.group(1) != bench:
            continue
        _, e, net, batch, th, ns, rest = m.groups()
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
    ap.add_argument("--cnn-peer", default="../shared/peers/torch_cnn.py", help="empty: no CNN section")
    ap.add_argument("--coretype", default="auto",
                    help="OPENBLAS_CORETYPE of the stronger peer (auto: by the CPU's flags; empty: none)")
    ap.add_argument("--python", default="/usr/bin/python3", help="the Python that sees python3-torch")
    ap.add_argument("--benchtime", default="0.3s")
    args = ap.parse_args()
    if args.rounds < 1:
        sys.exit("peers: --rounds must be at least 1")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    tuned = auto_coretype() if args.coretype == "auto" else args.coretype
    cores = {"detected": ""}
    if tuned:
        cores["tuned"] = tuned
    bins = build(root)
    load_before = loadavg()
    start = datetime.datetime.now(datetime.timezone.utc)
    rounds = []
    for i in range(args.rounds):
        rnd = {"torch": {}, "torch_cnn": {}, "nabla": {}, "nabla_cnn": {}}
        for label, core in cores.items():
            rnd["torch"][label] = run_peer(args.python, args.peer, core)
            if args.cnn_peer:
                rnd["torch_cnn"][label] = run_cnn_peer(args.python, args.cnn_peer, core)
        for blas, b in bins.items():
            env = blas_env(1, tuned)
            rnd["nabla"][blas] = run_nabla(b, args.benchtime, env, "BenchmarkGradient", ENGINES, CASES)
            if args.cnn_peer:
                rnd["nabla_cnn"][blas] = run_nabla(b, args.benchtime, env, "BenchmarkCNN", CNN_ENGINES, None)
        rounds.append(rnd)
        print(f"peers: round {i + 1} of {args.rounds} done, load {loadavg()}", file=sys.stderr)
    load_after = loadavg()
    go_version = sh(["go", "version"]).stdout.strip()
    info = {"cores": cores, "detected": detected_core(args.python), "go": go_version,
            "load": (load_before, load_after), "start": start}
    write(args, bins, rounds, info)


def cell(rounds, kind, blas, key):
    return med([r[kind].get(blas, ({}, {}))[0].get(key) for r in rounds])


def ratio_med(rounds, kind, blas, key, tkind, label, tkey):
    """Median over the rounds of nabla's time over PyTorch's in the same round."""
    xs = []
    for r in rounds:
        n = r[kind].get(blas, ({}, {}))[0].get(key)
        t = r[tkind].get(label, {}).get(tkey)
        if n is not None and t:
            xs.append(n / t)
    return med(xs)


def speedup(rnd, kind, blas, engine, net, batch):
    rows = rnd[kind].get(blas, ({}, {}))[0]
    one, two = rows.get((engine, net, batch, 1)), rows.get((engine, net, batch, 2))
    return None if one is None or two is None else one / two


def table(L, rounds, bins, info, kind, tkind, cases, engines, torch_threads):
    """One table: PyTorch's times, then nabla's per build and thread count with its ratio to
    PyTorch on one thread (against the stronger peer; the pure-Go build against both)."""
    labels = list(info["cores"])
    strong = labels[-1]
    head = "| network, batch | engine |"
    sep = "|---|---|"
    for label in labels:
        for th in torch_threads:
            head += f" PyTorch {label_name(info, label)}, {th} thr. |"
            sep += "---:|"
    cols = []
    for blas in bins:
        for th in (1, 2):
            cols.append((blas, th))
            vs = labels if blas == "pure Go" else [strong]
            head += f" nabla {blas}, {th} thr. |" + "".join(f" ÷ PyTorch {label_name(info, v)} |" for v in vs)
            sep += "---:|" * (1 + len(vs))
    L.append(head)
    L.append(sep)
    for net, batch in cases:
        tkey = (net, batch, 1) if kind == "nabla" else (net, batch)
        for e in engines:
            if not any((e, net, batch, 1) in r[kind].get(b, ({}, {}))[0] for r in rounds for b in bins):
                continue
            row = f"| {net}, {batch} | {e} |"
            for label in labels:
                for th in torch_threads:
                    k = (net, batch, th) if kind == "nabla" else (net, batch)
                    row += f" {fmt_us(med([r[tkind].get(label, {}).get(k) for r in rounds]))} |"
            for blas, th in cols:
                key = (e, net, batch, th)
                row += f" {fmt_us(cell(rounds, kind, blas, key))} |"
                vs = labels if blas == "pure Go" else [strong]
                for v in vs:
                    row += f" {fmt_ratio(ratio_med(rounds, kind, blas, key, tkind, v, tkey))} |"
            L.append(row)


def label_name(info, label):
    core = info["cores"][label]
    return f"({info['detected']}, detected)" if not core else f"({core})"


def write(args, bins, rounds, info):
    L = []
    start, (lb, la) = info["start"], info["load"]
    L.append("# nabla against PyTorch\n")
    L.append(f"Generated by `python3 scripts/peers.py --rounds {args.rounds}` on {start:%Y-%m-%d %H:%M} UTC: "
             f"{cpu_model()}, {os.cpu_count()} CPUs, {info['go']}, builds {' and '.join(bins)} "
             f"(the pure-Go build multiplies with nabla's assembly GEMM where the CPU has AVX2 or AVX-512, "
             f"gonum's elsewhere: `nabla bench` names it), threads 1 and 2; "
             f"load average {lb} before and {la} after (the machine is shared).\n")
    L.append(f"Each of {args.rounds} rounds runs PyTorch's float64 gradients (Debian's python3-torch on "
             f"OpenBLAS; `torch_mlp.py`, `torch_cnn.py`) with OPENBLAS_NUM_THREADS set to their thread "
             f"count (torch's own setting does not reach OpenBLAS), once with the kernels OpenBLAS detects "
             f"here ({info['detected']})"
             + (f" and once with OPENBLAS_CORETYPE={info['cores']['tuned']}, the kernels this CPU can run "
                f"(the stronger peer)" if "tuned" in info["cores"] else "")
             + f"; then nabla's `BenchmarkGradient` and `BenchmarkCNN` in each build (the OpenBLAS build "
             f"with the stronger peer's kernels). A ratio is nabla's time over PyTorch's one-thread time "
             f"in the same round (below 1: nabla is faster), and the figures are medians over the rounds. "
             f"Wall-clock times: on a loaded machine both sides are slowed.\n")
    L.append("## Dense networks: gradient time, and its ratio to PyTorch on one thread\n")
    mlp = [(c.split("@")[0], int(c.split("@")[1])) for c in CASES]
    table(L, rounds, bins, info, "nabla", "torch", mlp, ENGINES, (1, 2))
    if args.cnn_peer:
        L.append("\n## Convolutional networks (lenet1, lenet2): gradient time, and its ratio to PyTorch on one thread\n")
        cnn = [(n, b) for n in CNN_NETS for b in CNN_BATCHES]
        table(L, rounds, bins, info, "nabla_cnn", "torch_cnn", cnn, CNN_ENGINES, (1,))
    L.append("\n## Two threads against one (nabla, same build, same round)\n")
    L.append("| network, batch | engine | " + " | ".join(f"{b}: 1 thread ÷ 2 threads" for b in bins) + " |")
    L.append("|---|---|" + "---:|" * len(bins))
    groups = [("nabla", mlp, ENGINES)]
    if args.cnn_peer:
        groups.append(("nabla_cnn", cnn, CNN_ENGINES))
    for kind, cases, engines in groups:
        for net, batch in cases:
            for e in engines:
                vals = [med([speedup(r, kind, b, e, net, batch) for r in rounds]) for b in bins]
                if all(v is None for v in vals):
                    continue
                L.append(f"| {net}, {batch} | {e} | " + " | ".join(fmt_ratio(v) for v in vals) + " |")
    worst = 0.0
    for r in rounds:
        for kind in ("nabla", "nabla_cnn"):
            for b in r[kind]:
                worst = max([worst] + [a for a in r[kind][b][1].values() if a == a])
    L.append(f"\nAllocations per gradient in every timed benchmark above: at most {worst:g} (go test -benchmem).\n")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(L))
    print(f"peers: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
