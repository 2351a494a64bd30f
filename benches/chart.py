#!/usr/bin/env python3
"""Turn criterion's output into the README's benchmark table and chart.

Reads target/criterion/*/*/new/{benchmark,estimates}.json (the last `cargo bench -p
aspawn-benches` run; under $CARGO_TARGET_DIR or $CRITERION_HOME when set, as criterion does), takes each benchmark's median, and writes:

  docs/bench.md   the markdown tables (parent-blocked µs with ratios to the floor measured in
                  the same run; throughput in spawns/s with ratios to std)
  docs/bench.svg  the chart of the same numbers

With --readme README.md it also replaces the text between the lines
`<!-- bench:begin -->` and `<!-- bench:end -->` of that file with the tables.

The chart is drawn with matplotlib (`python3 -m pip install matplotlib`). Run from the
workspace root:

    python3 benches/chart.py --readme README.md
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys

# Benchmark ids (criterion function ids) in the order they are shown, with their labels.
METHODS = [
    ("floor_clone_vm_exec", "floor: clone(CLONE_VM), child execs"),
    ("floor_clone_vm", "floor: clone(CLONE_VM), child exits"),
    ("floor_clone3_exec", "floor: clone3 with aspawn's flags, child execs"),
    ("c_seed_aspawn", "the C seed's aspawn() (clone3 + pipe)"),
    ("aspawn_reuse", "aspawn spawn!, reused stack, Envp::inherit() (no fd)"),
    ("aspawn_closure", "aspawn spawn! closure form, Envp::inherit()"),
    ("aspawn_reuse_env_block", "aspawn, reused stack, EnvBlock captured once"),
    ("aspawn_reuse_env_list", "aspawn, reused stack, envp from a prepared list"),
    ("aspawn_reuse_pidfd", "aspawn, reused stack, with_pidfd"),
    ("aspawn_reuse_release_fd", "aspawn, reused stack, with_release_fd"),
    ("aspawn_reuse_pidfd_release_fd", "aspawn, reused stack, pidfd + release fd"),
    ("aspawn_fresh", "aspawn, fresh stack each time"),
    ("aspawn_reuse_empty_env", "aspawn, reused stack, empty envp"),
    ("aspawn_command", "aspawn::Command::spawn_nowait"),
    ("aspawn_64_stacks", "aspawn, 64 reused stacks"),
    ("vfork_exec", "vfork + execve"),
    ("posix_spawn", "glibc posix_spawn"),
    ("std_command", "std Command::spawn"),
    ("std_command_2_threads", "std Command::spawn, 2 threads"),
    ("fork_exec", "fork + execve"),
]
LABEL = dict(METHODS)
ORDER = {m: i for i, (m, _) in enumerate(METHODS)}

BLOCKED = "parent_blocked"
BLOCKED_BIG = "parent_blocked_1GiB"
SERIAL = "throughput_serial"
PIPELINED = "throughput_pipelined"
SERIAL_BIG = "throughput_serial_1GiB"
PIPELINED_TINY = "throughput_pipelined_exit0"
QUEUE = "job_queue"
QUEUE_LABELS = {
    "aspawn": "aspawn `Command::status_async`",
    "tokio_process": "tokio `process::Command::status`",
    "std_blocking": "std `Command::status` on `spawn_blocking`",
}
# Every method of the parent-blocked groups execs: its floor is the clone whose child execs at
# once (the same child work). Older runs without it fall back to the exit floor.
FLOOR_EXEC = "floor_clone_vm_exec"
FLOOR_EXIT = "floor_clone_vm"


def floor_of(group):
    e = group.get(FLOOR_EXEC) or group.get(FLOOR_EXIT) or {}
    return e.get("median_ns")


def load(criterion_dir):
    """{group: {function: {"median_ns": float, "elements": int|None, "mtime": float}}}"""
    results = {}
    for group in sorted(os.listdir(criterion_dir)):
        gdir = os.path.join(criterion_dir, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        for func in sorted(os.listdir(gdir)):
            new = os.path.join(gdir, func, "new")
            est_path = os.path.join(new, "estimates.json")
            bm_path = os.path.join(new, "benchmark.json")
            if not (os.path.isfile(est_path) and os.path.isfile(bm_path)):
                continue
            with open(est_path) as f:
                est = json.load(f)
            with open(bm_path) as f:
                bm = json.load(f)
            tp = bm.get("throughput") or {}
            results.setdefault(bm.get("group_id", group), {})[
                bm.get("function_id") or func
            ] = {
                "median_ns": est["median"]["point_estimate"],
                "elements": tp.get("Elements"),
                "mtime": os.path.getmtime(est_path),
            }
    return results


def ordered(funcs):
    return sorted(funcs, key=lambda m: (ORDER.get(m, len(ORDER)), m))


def label(m):
    return LABEL.get(m, m)


def fmt_time(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    return "%.1f µs" % (ns / 1e3)


def fmt_ratio(r):
    return "%.2f×" % r if r < 10 else "%.0f×" % r


def rate(entry):
    """Spawns per second of a throughput benchmark."""
    return entry["elements"] / (entry["median_ns"] / 1e9)


def std_best(group):
    rates = [rate(e) for m, e in group.items() if m.startswith("std_command")]
    return max(rates) if rates else None


def blocked_table(res):
    small, big = res.get(BLOCKED, {}), res.get(BLOCKED_BIG, {})
    if not small and not big:
        return []
    floor_s = floor_of(small)
    floor_b = floor_of(big)
    rows = [
        "| method | parent blocked (median) | × exec floor | with a 1 GiB parent | × exec floor | 1 GiB ÷ small |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in ordered(set(small) | set(big)):
        s, b = small.get(m), big.get(m)
        cells = [label(m)]
        for e, floor in ((s, floor_s), (b, floor_b)):
            if e is None:
                cells += ["—", "—"]
            else:
                cells.append(fmt_time(e["median_ns"]))
                cells.append(fmt_ratio(e["median_ns"] / floor) if floor else "—")
        cells.append(
            fmt_ratio(b["median_ns"] / s["median_ns"]) if s and b else "—"
        )
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def throughput_table(res):
    groups = [res.get(g, {}) for g in (SERIAL, PIPELINED, PIPELINED_TINY, SERIAL_BIG)]
    if not any(groups):
        return []
    rows = [
        "| method | one at a time | × std | up to 64 in flight | × std's best "
        "| up to 64 in flight, `exit(0)` program | × std's best | one at a time, 1 GiB parent | × std |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    refs = [std_best(g) for g in groups]
    for m in ordered(set().union(*groups)):
        cells = [label(m)]
        for group, ref in zip(groups, refs):
            e = group.get(m)
            if e is None:
                cells += ["—", "—"]
            else:
                cells.append("{:,.0f}/s".format(rate(e)))
                cells.append(fmt_ratio(rate(e) / ref) if ref else "—")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def queue_table(res):
    q = res.get(QUEUE, {})
    if not q:
        return []
    ref = q.get("tokio_process")
    rows = ["| front door | jobs/s | × tokio |", "|---|---:|---:|"]
    for m in sorted(q, key=lambda m: list(QUEUE_LABELS).index(m) if m in QUEUE_LABELS else 99):
        r = rate(q[m]) if q[m]["elements"] else None
        ratio = fmt_ratio(r / rate(ref)) if r and ref and ref["elements"] else "—"
        rows.append("| %s | %s | %s |" % (
            QUEUE_LABELS.get(m, m), "{:,.0f}/s".format(r) if r else "—", ratio))
    return rows


def batch_note(res):
    notes = []
    for g, what in ((SERIAL, "one at a time"), (SERIAL_BIG, "with the 1 GiB parent")):
        sizes = {e["elements"] for e in res.get(g, {}).values() if e["elements"]}
        if sizes:
            notes.append("%s: batches of %s" % (what, "/".join(map(str, sorted(sizes)))))
    return "; ".join(notes)


def machine():
    cpus = os.cpu_count()
    return "%s %s, %s, %d cores" % (
        platform.system(),
        platform.release(),
        platform.machine(),
        cpus or 0,
    )


def markdown(res, date):
    out = [
        "Measured %s on %s with `cargo bench -p aspawn-benches`; "
        "medians from criterion, ratios computed by `python3 benches/chart.py`."
        % (date, machine()),
        "",
    ]
    bt = blocked_table(res)
    if bt:
        out += [
            "**Parent-blocked time per spawn of `/bin/true`** — only the call that holds the "
            "caller is timed; the child is reaped outside the measured region. Ratios are to the "
            "exec floor, measured in the same run: a raw `clone(CLONE_VM | SIGCHLD)` whose child "
            "raw-`execve`s `/bin/true` at once, the same child work with nothing around it (the "
            "exit floor's child exits instead). aspawn's rows without `with_pidfd` or "
            "`with_release_fd` make no file descriptor.",
            "",
        ] + bt + [""]
    tt = throughput_table(res)
    if tt:
        note = batch_note(res)
        out += [
            "**Throughput: spawn → exec → reap of `/bin/true`**, spawns per second (median "
            "of 10 samples%s; pipelined reaps the oldest child when 64 are in flight). The "
            "`exit(0)` column spawns a 129-byte static program instead of `/bin/true`, whose "
            "dynamic loading dominates its cost on this VM. Ratios are to std's best in the "
            "same column (`Command::spawn` in a loop or on 2 threads)."
            % ("; " + note if note else ""),
            "",
        ] + tt + [""]
    qt = queue_table(res)
    if qt:
        elements = {e["elements"] for e in res[QUEUE].values() if e["elements"]}
        out += [
            "**A job queue on tokio** (`benches/benches/queue.rs`): %s `/bin/true` jobs per "
            "sample, at most 32 at a time, stdio to `/dev/null`; jobs per second (median)."
            % "/".join(map(str, sorted(elements))),
            "",
        ] + qt + [""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# Chart (matplotlib)
#
# A plotting library rather than SVG drawn by hand: matplotlib lays out the axes, the log scale,
# the ticks and the legends that the earlier 230 lines of this file placed pixel by pixel.
# criterion's own HTML reports were the other candidate; they show one benchmark at a time
# (its distribution, its history) and never every method against the floor on one axis, which
# is the picture the README needs.

COLORS = {
    "small": "#2b6cb0",
    "big": "#dd6b20",
    "serial": "#2f855a",
    "pipe": "#6b46c1",
    "tiny": "#b83280",
}


def bars(ax, rows, series, value_label, log=False):
    """Grouped horizontal bars: rows = [(method, {series_key: value})], series = [(key, name,
    color)]; the first row on top."""
    series = [sr for sr in series if any(sr[0] in v for _, v in rows)]
    height = 0.8 / max(1, len(series))
    for i, (key, name, color) in enumerate(series):
        ys, xs, labels = [], [], []
        for r, (method, values) in enumerate(rows):
            if key in values:
                ys.append(r + (i - (len(series) - 1) / 2) * height)
                xs.append(values[key])
                labels.append(value_label(values[key], method, key))
        ax.barh(ys, xs, height=height * 0.92, color=color, label=name)
        for y, x, text in zip(ys, xs, labels):
            ax.annotate(text, (x, y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([label(m) for m, _ in rows], fontsize=9)
    for tick, (m, _) in zip(ax.get_yticklabels(), rows):
        if m.startswith("aspawn"):
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
    ax.grid(axis="x", linestyle=":", color="#cbd5e0")
    ax.set_axisbelow(True)
    values = [x for _, v in rows for x in v.values()]
    if log:
        # From the power of ten below the smallest value, so that every bar has a length.
        ax.set_xlim(10 ** math.floor(math.log10(min(values))), max(values) * 8)
    else:
        ax.set_xlim(0, max(values) * 1.45)
    ax.legend(loc="best", fontsize=8, frameon=False)


def chart(res, date, path):
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    panels = []
    small, big = res.get(BLOCKED, {}), res.get(BLOCKED_BIG, {})
    if small or big:
        panels.append("blocked")
    throughput = [(SERIAL, "one at a time", COLORS["serial"]),
                  (PIPELINED, "up to 64 in flight", COLORS["pipe"])]
    if any(res.get(g) for g, _, _ in throughput):
        panels.append("throughput")
    if res.get(PIPELINED_TINY):
        panels.append("tiny")
    if not panels:
        return False
    def rows_of(groups):
        return [(m, {g: v for g, v in ((g, groups[g].get(m)) for g in groups) if v is not None})
                for m in ordered(set().union(*[set(x) for x in groups.values()]))]
    sizes = {"blocked": len(set(small) | set(big)) * 0.42 + 1.2}
    for key, groups in (("throughput", [g for g, _, _ in throughput]), ("tiny", [PIPELINED_TINY])):
        n = len(set().union(*[set(res.get(g, {})) for g in groups]))
        sizes[key] = n * 0.42 + 1.2
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, sum(sizes[p] for p in panels)),
                             gridspec_kw={"height_ratios": [sizes[p] for p in panels]},
                             squeeze=False)
    fig.suptitle("aspawn vs. every peer — spawning /bin/true\n"
                 "criterion medians, %s, %s — python3 benches/chart.py" % (date, machine()),
                 fontsize=11)
    for ax, p in zip(axes[:, 0], panels):
        if p == "blocked":
            floors = {"small": floor_of(small), "big": floor_of(big)}
            data = {"small": {m: e["median_ns"] / 1e3 for m, e in small.items()},
                    "big": {m: e["median_ns"] / 1e3 for m, e in big.items()}}

            def value_label(us, m, k):
                f = floors[k]
                return fmt_time(us * 1e3) + (" (%s floor)" % fmt_ratio(us * 1e3 / f) if f else "")

            bars(ax, rows_of(data),
                 [("small", "small parent", COLORS["small"]),
                  ("big", "1 GiB resident parent", COLORS["big"])],
                 value_label, log=True)
            ax.set_title("Parent-blocked time per spawn, µs — shorter is better (log scale)",
                         fontsize=10, loc="left")
        else:
            groups = throughput if p == "throughput" else [
                (PIPELINED_TINY, "up to 64 in flight, exit(0) program", COLORS["tiny"])]
            data = {g: {m: rate(e) for m, e in res.get(g, {}).items()} for g, _, _ in groups}
            ref = {g: std_best(res.get(g, {})) for g, _, _ in groups}

            def value_label(r, m, g):
                text = "{:,.0f}/s".format(r)
                if ref[g] and not m.startswith("std_command"):
                    text += " (%s std's best)" % fmt_ratio(r / ref[g])
                return text

            bars(ax, rows_of(data), groups, value_label)
            ax.set_title(
                "Throughput of /bin/true: spawn → exec → reap, spawns/s — longer is better"
                if p == "throughput" else
                "Throughput of a 129-byte static exit(0) program, spawns/s — longer is better",
                fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(path, format="svg", bbox_inches="tight")
    plt.close(fig)
    return True


def interleaved_table(target_dir):
    """The table `cargo bench -p aspawn-benches --bench interleaved` wrote, if it ran."""
    path = os.path.join(target_dir, "interleaved.md")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.rstrip("\n") for l in f]


def default_criterion_dir():
    """Where criterion writes its results, by its own rules: `$CRITERION_HOME`, else
    `$CARGO_TARGET_DIR/criterion` (relative to the current directory, as cargo reads it), else
    `target/criterion`."""
    if os.environ.get("CRITERION_HOME"):
        return os.environ["CRITERION_HOME"]
    return os.path.join(os.environ.get("CARGO_TARGET_DIR") or "target", "criterion")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--criterion",
        default=default_criterion_dir(),
        help="criterion's output folder (default: where criterion writes it: $CRITERION_HOME, "
        "else $CARGO_TARGET_DIR/criterion, else target/criterion)",
    )
    ap.add_argument("--out", default="docs", help="where bench.md and bench.svg go")
    ap.add_argument("--readme", help="a file whose bench:begin/bench:end block to replace")
    args = ap.parse_args()

    if not os.path.isdir(args.criterion):
        sys.exit("no %s: run `cargo bench -p aspawn-benches` first" % args.criterion)
    res = load(args.criterion)
    if not res:
        sys.exit("no benchmark results under %s" % args.criterion)
    newest = max(e["mtime"] for g in res.values() for e in g.values())
    date = datetime.date.fromtimestamp(newest).isoformat()

    md = markdown(res, date)
    inter = interleaved_table(os.path.dirname(os.path.normpath(args.criterion)))
    if inter:
        md = (
            "**Parent-blocked time, every method in the same rounds** "
            "(`cargo bench -p aspawn-benches --bench interleaved`): rounds that each run "
            "every method for the same number of spawns in turn; a method's figure is the median of its round "
            "medians, so a change of load on the machine moves every row alike and the ratios "
            "to the exec floor hold.\n\n" + "\n".join(inter) + "\n\n" + md
        )
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "bench.md"), "w") as f:
        f.write(md)
    try:
        drawn = chart(res, date, os.path.join(args.out, "bench.svg"))
    except ImportError:
        sys.exit("the chart needs matplotlib: `python3 -m pip install matplotlib`")
    print(md)
    if not drawn:
        print("(no chart: no parent-blocked or throughput results)", file=sys.stderr)

    if args.readme:
        with open(args.readme) as f:
            text = f.read()
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        if begin not in text or end not in text:
            sys.exit("%s has no %s … %s block" % (args.readme, begin, end))
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(args.readme, "w") as f:
            f.write(head + begin + "\n" + md + "\n" + end + tail)


if __name__ == "__main__":
    main()
